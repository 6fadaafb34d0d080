from django.urls import path

from streaming.api import views

urlpatterns = [
    path("tracks/<int:pk>/stream/", views.StreamView.as_view(), name="track-stream"),
    path("me/player/plays/", views.PlayReportView.as_view(), name="player-plays"),
    path("me/player/recently-played/", views.RecentlyPlayedView.as_view(), name="player-recently-played"),
]
