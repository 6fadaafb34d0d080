from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = "Ads"

    def ready(self) -> None:
        from ads import signals  # noqa: F401 - connects the receivers
        from ads.gate import ad_break_check
        from streaming.gates import grant_check_add

        grant_check_add(ad_break_check)
