from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    name = "playlists"

    def ready(self) -> None:
        from playlists import signals  # noqa: F401
        from playlists.documents import playlist_kind_register

        # Search sits below playlists: it learns here what a playlist's document is and who may find it.
        playlist_kind_register()
