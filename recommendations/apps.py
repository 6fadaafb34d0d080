from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from core.demo import demo_seeder_add
        from recommendations import signals
        from recommendations.demo import seed_demo_plays
        from recommendations.radio import autoplay_track_ids
        from recommendations.selectors import fans_also_like
        from search.related import related_source_add
        from streaming.autoplay import autoplay_source_set

        signals.subscribe_all()
        related_source_add(fans_also_like)
        autoplay_source_set(autoplay_track_ids)
        demo_seeder_add(seed_demo_plays)
