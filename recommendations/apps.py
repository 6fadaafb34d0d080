from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from recommendations import signals  # noqa: F401 - connects the receivers
        from recommendations.selectors import fans_also_like
        from search.related import related_source_add

        related_source_add(fans_also_like)
