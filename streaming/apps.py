from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "streaming"

    def ready(self) -> None:
        from streaming import subscribers

        subscribers.subscribe_all()
