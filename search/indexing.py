"""Keeping the search entries (and the index built from them) in step.

Services and model signals call :func:`index_later` whenever something that can
be searched is made, changed, becomes visible or invisible, or is deleted.
After the transaction commits, a task re-reads the rows and either writes their
entries or turns them into tombstones, so the caller never has to know which;
running it twice leaves the same state as running it once.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.outbox import task_enqueue
from search.backends import KINDS, search_backend
from search.browse import browse_changed
from search.catchup import index_missed
from search.documents import Document, documents_for, related_for
from search.models import SearchEntry
from search.vocabulary import words_add

logger = logging.getLogger(__name__)

VERSION_KEY = "search:version"
ENTRY_FIELDS = [
    "name",
    "subtitle",
    "folded",
    "context",
    "genres",
    "popularity",
    "public",
    "owner_id",
    "lyrics",
    "visible",
    "updated_at",
]


def index_later(kind: str, *pks: int) -> None:
    """Bring the search entries of these rows up to date once this transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown search document kind {kind!r}")
    ids = sorted({pk for pk in pks if pk is not None})
    if not ids:
        return
    from search import tasks

    task_enqueue(tasks.search_documents_sync, kind, ids)


def search_version() -> int:
    """Changes whenever an entry does: part of every cached search's key."""
    version: int = cache.get_or_set(VERSION_KEY, 1, timeout=None)  # type: ignore[assignment]
    return version


def search_changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    browse_changed()


def entries_write(kind: str, documents: list[Document]) -> int:
    """Insert or update the entries of these documents that differ from what is stored; answers how many."""
    compared = [name for name in ENTRY_FIELDS if name != "updated_at"]
    stored = SearchEntry.objects.filter(kind=kind, object_id__in=[doc.object_id for doc in documents])
    current = {row[0]: row[1:] for row in stored.values_list("object_id", *compared)}
    now = timezone.now()
    rows = []
    for doc in documents:
        fields = doc.entry_fields()
        if current.get(doc.object_id) != tuple(fields[name] for name in compared):
            rows.append(SearchEntry(kind=kind, object_id=doc.object_id, updated_at=now, **fields))
    # An unchanged entry is left alone: rebuilds stay cheap, and updated_at says when it really changed.
    SearchEntry.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["kind", "object_id"], update_fields=ENTRY_FIELDS, batch_size=1000
    )
    words_add(text for row in rows for text in (row.folded, row.context))
    return len(rows)


def entries_hide(kind: str, ids: list[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=ids, visible=True).update(
        visible=False, updated_at=timezone.now()
    )


def documents_sync(kind: str, ids: list[int], *, cascade: bool = True) -> bool:
    """Make the entries of these rows, and of the rows whose entries quote them, match the database.

    The entries are written whatever the search index does; answers whether
    every change reached the index too. One that did not is recorded, and the
    catch-up (:mod:`search.catchup`) copies it once the index answers.
    """
    started = timezone.now()
    documents = documents_for(kind, ids)
    removed = [pk for pk in ids if pk not in documents]
    with transaction.atomic():
        entries_write(kind, list(documents.values()))
        entries_hide(kind, removed)
    try:
        search_backend().push(kind, list(documents.values()), removed)
        reached = True
    except ConnectionError as exc:
        logger.warning("search: %s; the catch-up copies it once the index answers", exc)
        index_missed(since=started)
        reached = False
    search_changed()
    if cascade:
        for related_kind, related_ids in related_for(kind, ids).items():
            if related_ids:
                reached = documents_sync(related_kind, sorted(set(related_ids)), cascade=False) and reached
    return reached


def popularity_refresh() -> int:
    """Rewrite the entries whose play or follower counts moved since they were written."""
    from search.documents import kinds_available, popularity_all

    changed = 0
    for kind in kinds_available():
        current = popularity_all(kind)
        stored = SearchEntry.objects.filter(kind=kind, visible=True).values_list("object_id", "popularity")
        moved = [pk for pk, popularity in stored.iterator(chunk_size=5000) if current.get(pk, popularity) != popularity]
        for start in range(0, len(moved), 1000):
            documents_sync(kind, moved[start : start + 1000], cascade=False)
        changed += len(moved)
    return changed
