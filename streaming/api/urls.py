from django.urls import path

from streaming.api import player, previews, views, waveforms

urlpatterns = [
    path("tracks/<int:pk>/stream/", views.StreamView.as_view(), name="track-stream"),
    path("tracks/<int:pk>/waveform/", waveforms.WaveformView.as_view(), name="track-waveform"),
    path("tracks/<int:pk>/preview/", previews.PreviewView.as_view(), name="track-preview"),
    path("me/player/", player.PlayerView.as_view(), name="player"),
    path("me/player/play/", player.PlayView.as_view(), name="player-play"),
    path("me/player/pause/", player.PauseView.as_view(), name="player-pause"),
    path("me/player/seek/", player.SeekView.as_view(), name="player-seek"),
    path("me/player/next/", player.NextView.as_view(), name="player-next"),
    path("me/player/previous/", player.PreviousView.as_view(), name="player-previous"),
    path("me/player/shuffle/", player.ShuffleView.as_view(), name="player-shuffle"),
    path("me/player/repeat/", player.RepeatView.as_view(), name="player-repeat"),
    path("me/player/volume/", player.VolumeView.as_view(), name="player-volume"),
    path("me/player/state/", player.StateReportView.as_view(), name="player-state"),
    path("me/player/queue/", player.QueueView.as_view(), name="player-queue"),
    path("me/player/devices/", player.DevicesView.as_view(), name="player-devices"),
    path("me/player/devices/<str:device_id>/", player.DeviceView.as_view(), name="player-device"),
    path("me/player/plays/", views.PlayReportView.as_view(), name="player-plays"),
    path("me/player/recently-played/", views.RecentlyPlayedView.as_view(), name="player-recently-played"),
]
