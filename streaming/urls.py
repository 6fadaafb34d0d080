from django.urls import path

from streaming import views

urlpatterns = [
    path("stream/<int:track_id>/", views.stream_redirect, name="stream"),
    path("edge/s/<path:token_path>", views.edge, name="edge"),
]
