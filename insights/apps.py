from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from core.demo import demo_seeder_add
        from insights.demo import seed_demo_insights

        # After the recommendations' seeder, which adds the demo plays (INSTALLED_APPS order).
        demo_seeder_add(seed_demo_insights)
