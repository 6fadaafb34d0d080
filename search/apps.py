from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search import signals, subscribers  # noqa: F401
        from search.documents import catalog_kinds_register

        catalog_kinds_register()
        subscribers.subscribe_all()
