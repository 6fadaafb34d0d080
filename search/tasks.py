from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def search_documents_sync(kind: str, ids: list[int]) -> None:
    """Write or hide the search entries of these rows, from what the database says now."""
    from search.indexing import documents_sync

    documents_sync(kind, ids)


@shared_task
def search_popularity_refresh() -> int:
    """Copy play and follower counts into the entries whose popularity moved; answers how many."""
    from search.indexing import popularity_refresh

    return popularity_refresh()


@shared_task
def search_tombstones_purge() -> int:
    """Forget entries hidden more than a day ago: no rebuild still needs to replay them."""
    from search.models import SearchEntry

    deleted, _ = SearchEntry.objects.filter(visible=False, updated_at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
