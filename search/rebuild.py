"""Rebuilding search from scratch without a moment of downtime.

First every entry is rewritten from the database (and entries of things no
longer visible become tombstones). Then, with OpenSearch, a new index named
``<alias>-<timestamp>`` is filled in bulk from the entries while queries keep
reading the old one through the alias; the alias is swapped to the new index in
one atomic request; entries written while the bulk ran are replayed into it;
the old indices are deleted.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from opensearchpy import helpers

from search.backends.opensearch import INDEX_MAPPINGS, INDEX_SETTINGS, alias_name, document_id
from search.client import opensearch_client
from search.documents import Document, documents_all, documents_count, kinds_available
from search.indexing import entries_hide, entries_write, search_changed
from search.models import SearchEntry

Progress = Callable[[str, int, int], None]  # (stage, done, total)

OLD_INDEX_GRACE_SECONDS = 3.0
# Merging a million entries into one segment takes about 15 s on two cores; far more than a query may.
MERGE_TIMEOUT_SECONDS = 3600


@dataclass
class RebuildReport:
    entries: int = 0
    changed: int = 0
    hidden: int = 0
    indexed: int = 0
    index: str = ""
    replayed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def entries_rebuild(*, progress: Progress = _quiet) -> tuple[int, int, int]:
    """Bring every entry in line with the database; answers (documents read, entries changed, entries hidden)."""
    read = changed = hidden = 0
    for kind in kinds_available():
        total, seen = documents_count(kind), set[int]()
        for chunk in documents_all(kind):
            changed += entries_write(kind, chunk)
            seen.update(doc.object_id for doc in chunk)
            read += len(chunk)
            progress(f"entries: {kind}s", len(seen), total)
        stale = [
            pk
            for pk in SearchEntry.objects.filter(kind=kind, visible=True).values_list("object_id", flat=True)
            if pk not in seen
        ]
        for start in range(0, len(stale), 1000):
            entries_hide(kind, stale[start : start + 1000])
        hidden += len(stale)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk change, or the planner may pick a sequential scan over the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
    return read, changed, hidden


def _entry_document(entry: SearchEntry) -> Document:
    return Document(
        kind=entry.kind,
        object_id=entry.object_id,
        name=entry.name,
        subtitle=entry.subtitle,
        context=entry.context,
        genres=entry.genres.split(),
        popularity=entry.popularity,
        public=entry.public,
        owner_id=entry.owner_id,
        lyrics=entry.lyrics,
    )


def entry_actions(entries: Any, index: str) -> Iterator[dict[str, Any]]:
    """Bulk actions that make the index say what these entries say: visible ones indexed, tombstones deleted."""
    from search.backends.opensearch import document_source

    for entry in entries.iterator(chunk_size=2000):
        doc_id = document_id(entry.kind, entry.object_id)
        if entry.visible:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc_id,
                "_source": document_source(_entry_document(entry)),
            }
        else:
            yield {"_op_type": "delete", "_index": index, "_id": doc_id}


def index_rebuild(*, progress: Progress = _quiet, report: RebuildReport) -> None:
    client = opensearch_client()
    alias = alias_name()
    index = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
    client.indices.create(
        index=index,
        body={
            "settings": {**INDEX_SETTINGS, "number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
            "mappings": INDEX_MAPPINGS,
        },
    )
    bulk_started = timezone.now()
    visible = SearchEntry.objects.filter(visible=True).order_by("pk")
    total, done = visible.count(), 0
    started = time.perf_counter()
    for _ in helpers.streaming_bulk(client, entry_actions(visible, index), chunk_size=1000, raise_on_error=True):
        done += 1
        if done % 1000 == 0 or done == total:
            progress("index", done, total)
    report.indexed, report.index = done, index
    report.seconds["bulk"] = time.perf_counter() - started
    # One segment, before any query reads it: sorted by popularity as a whole (each segment is sorted on its
    # own), so the best of a common query are the first documents read, and a term is looked up once.
    started = time.perf_counter()
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=MERGE_TIMEOUT_SECONDS)
    report.seconds["merge"] = time.perf_counter() - started
    client.indices.put_settings(
        index=index, body={"index": {"refresh_interval": "1s", "number_of_replicas": settings.SEARCH_INDEX_REPLICAS}}
    )
    client.indices.refresh(index=index)
    old = (
        list(client.indices.get_alias(name=alias, ignore_unavailable=True))
        if client.indices.exists_alias(name=alias)
        else []
    )
    actions = [{"remove": {"index": name, "alias": alias}} for name in old] + [
        {"add": {"index": index, "alias": alias}}
    ]
    client.indices.update_aliases(body={"actions": actions})
    # What changed while the bulk ran reached the old index (or nowhere): copy it into the new one.
    changed = SearchEntry.objects.filter(updated_at__gte=bulk_started).order_by("pk")
    replayed = 0
    for _ in helpers.streaming_bulk(client, entry_actions(changed, index), raise_on_error=False, chunk_size=1000):
        replayed += 1
    report.replayed = replayed
    client.indices.refresh(index=index)
    if old:
        # Searches that resolved the alias just before the swap may still be reading the old index.
        time.sleep(OLD_INDEX_GRACE_SECONDS)
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    # Leftovers of rebuilds that died half-way: indices of ours that no alias points at.
    for name in client.indices.get(index=f"{alias}-*", ignore_unavailable=True):
        if name != index and name not in old:
            client.indices.delete(index=name, ignore_unavailable=True)


def search_rebuild(*, progress: Progress = _quiet) -> RebuildReport:
    report = RebuildReport()
    started = time.perf_counter()
    report.entries, report.changed, report.hidden = entries_rebuild(progress=progress)
    report.seconds["entries"] = time.perf_counter() - started
    if settings.SEARCH_BACKEND == "opensearch":
        index_rebuild(progress=progress, report=report)
    search_changed()
    report.seconds["total"] = time.perf_counter() - started
    return report
