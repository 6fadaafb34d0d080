from django.apps import AppConfig


class SubsonicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subsonic"
    verbose_name = "Subsonic API"

    def ready(self) -> None:
        # The methods register themselves with the dispatcher as their modules load.
        from subsonic import methods  # noqa: F401
