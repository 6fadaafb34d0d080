from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = "Ads"

    def ready(self) -> None:
        from ads import signals  # noqa: F401 - connects the receivers
        from ads.demo import seed_demo_ads
        from ads.gate import ad_break_check
        from core.demo import demo_seeder_add
        from streaming.gates import grant_check_add

        grant_check_add(ad_break_check)
        demo_seeder_add(seed_demo_ads)
