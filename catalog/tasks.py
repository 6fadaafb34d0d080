"""Catalog tasks: thin, idempotent, each calling one service."""

from celery import shared_task
from django.core.files.storage import default_storage


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def blobs_delete(names: list[str]) -> None:
    """Delete blobs of deleted things (deleting what is already gone is fine)."""
    for name in names:
        default_storage.delete(name)


@shared_task
def albums_release_due() -> None:
    """Publish scheduled albums whose release time has come (periodic)."""
    from catalog.services.albums import albums_release_due as release

    release()
