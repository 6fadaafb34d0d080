from celery import shared_task

from catalog import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def track_process(track_id: int) -> None:
    services.track_process(track_id=track_id)
