from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "streaming"

    def ready(self) -> None:
        from core.demo import demo_seeder_add
        from streaming import subscribers
        from streaming.services.loudness import seed_demo_album_loudness
        from streaming.services.renditions import seed_demo_previews

        subscribers.subscribe_all()
        demo_seeder_add(seed_demo_album_loudness)
        demo_seeder_add(seed_demo_previews)
