from django.urls import path

from subscriptions.api import views

urlpatterns = [
    path("me/subscription/", views.SubscriptionView.as_view(), name="me-subscription"),
    path("me/subscription/trial/", views.TrialView.as_view(), name="me-subscription-trial"),
]
