from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from core.demo import demo_seeder_add
        from recommendations import signals  # noqa: F401 - connects the receivers
        from recommendations.demo import seed_demo_plays
        from recommendations.selectors import fans_also_like
        from search.related import related_source_add

        related_source_add(fans_also_like)
        demo_seeder_add(seed_demo_plays)
        from recommendations.radio import autoplay_track_ids
        from streaming.autoplay import autoplay_source_set

        autoplay_source_set(autoplay_track_ids)
