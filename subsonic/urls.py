from django.urls import path

from subsonic import views

app_name = "subsonic"

urlpatterns = [
    path("<str:name>", views.dispatch, name="method"),
]
