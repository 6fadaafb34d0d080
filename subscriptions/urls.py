from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("premium/", views.premium, name="premium"),
    path("premium/trial/", views.trial_start, name="trial_start"),
]
