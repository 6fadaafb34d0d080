from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    name = "playlists"

    def ready(self) -> None:
        from playlists import signals  # noqa: F401
