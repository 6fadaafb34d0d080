from django.conf import settings
from django.urls import path

from streaming import views

urlpatterns = [
    path("stream/<int:track_id>/", views.stream_redirect, name="stream"),
]

if not settings.EDGE_URLS:
    # Embedded default only: with CDN edges configured, audio never passes through Django.
    urlpatterns += [path("edge/s/<path:token_path>", views.edge, name="edge")]
