from celery import Task, shared_task
from django.utils import timezone

# Between the tries of an index update that could not reach OpenSearch: 10 s, doubling.
# After the last, the catch-up copies the change once the cluster answers.
RETRY_FIRST_SECONDS = 10
RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=RETRIES)
def search_documents_sync(self: Task, kind: str, ids: list[int]) -> None:
    """Write or hide the search entries of these rows, from what the database says now, and copy them to the index."""
    from search.indexing import documents_sync

    if documents_sync(kind, ids):
        return
    # Run in-process (eager), a retry would hold up the request that made the change: the catch-up has it.
    if not self.request.is_eager and self.request.retries < RETRIES:
        raise self.retry(countdown=RETRY_FIRST_SECONDS * 2**self.request.retries)


@shared_task
def search_index_catch_up() -> None:
    """Copy into the index what it missed while OpenSearch was away, building it if its alias is missing."""
    from search.catchup import index_catch_up

    index_catch_up()


@shared_task
def search_popularity_refresh() -> int:
    """Copy play and follower counts into the entries whose popularity moved; answers how many."""
    from search.indexing import popularity_refresh

    return popularity_refresh()


@shared_task
def search_tombstones_purge() -> int:
    """Forget entries hidden longer than the catch-up needs them: no rebuild still needs to replay them."""
    from search.catchup import TOMBSTONES_KEPT
    from search.models import SearchEntry

    deleted, _ = SearchEntry.objects.filter(visible=False, updated_at__lt=timezone.now() - TOMBSTONES_KEPT).delete()
    return deleted
