from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search import signals, subscribers  # noqa: F401

        subscribers.subscribe_all()
