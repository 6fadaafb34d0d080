from django.urls import path

from subsonic.api import views

urlpatterns = [
    path("me/subsonic/", views.SubsonicSecretsView.as_view(), name="me-subsonic"),
]
