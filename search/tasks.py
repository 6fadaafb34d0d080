from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def search_documents_sync(kind: str, ids: list[int]) -> None:
    """Write or remove the search documents of these rows, from what the database says now."""
    from search.backends import search_backend

    search_backend().sync(kind, ids)
