"""Catching the OpenSearch index up with what it missed while the cluster was away.

The entries are the truth and are always written, whatever the cluster does
(:mod:`search.indexing`). When copying a change into the index fails, the
moment of that change is recorded in :class:`~search.models.IndexSync`.
:func:`index_catch_up` (a beat task every minute) copies every entry changed
since into the index once the cluster answers, builds the index first when
its alias is missing, and rebuilds it whole when the miss is older than the
tombstones that would replay deletions. Copying an entry twice writes the
same document twice: it may run any number of times.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from opensearchpy import helpers
from opensearchpy.exceptions import OpenSearchException

from search.client import alias_name, opensearch_client
from search.models import IndexSync, SearchEntry

logger = logging.getLogger(__name__)

# Tombstones (hidden entries) are kept this long, then purged: a miss older than that
# may include a deletion no entry remembers, so the index is rebuilt whole instead.
TOMBSTONES_KEPT = timedelta(days=1)
# Entries are stamped by the clock of the process that wrote them: allow for skew between machines.
CLOCK_SKEW = timedelta(minutes=1)


@dataclass
class CatchUpReport:
    built: bool = False  # the index was (re)built whole from the entries
    copied: int = 0  # entries copied into it one by one
    pending: bool = False  # a miss remains to catch up (the cluster did not answer, or a new miss came)


def index_missed(*, since: datetime) -> None:
    """Remember that entries changed from ``since`` on may not be in the index."""
    alias = alias_name()
    IndexSync.objects.get_or_create(alias=alias)  # made by another process at the same moment: it gets that one
    moment = Value(since, output_field=DateTimeField())
    IndexSync.objects.filter(alias=alias).update(
        missed_since=Least(Coalesce("missed_since", moment), moment), misses=F("misses") + 1
    )


def index_catch_up() -> CatchUpReport:
    """Bring the index in line with the entries where it missed changes; nothing to do answers at once."""
    report = CatchUpReport()
    if settings.SEARCH_BACKEND != "opensearch":
        return report
    alias = alias_name()
    sync = IndexSync.objects.filter(alias=alias).first()
    try:
        if not opensearch_client().indices.exists_alias(name=alias):
            report.built = _index_build()
        elif sync is not None and sync.missed_since is not None:
            if sync.missed_since < timezone.now() - TOMBSTONES_KEPT + CLOCK_SKEW:
                report.built = _index_build(rebuild=True)
            else:
                report.copied = _entries_copy(since=sync.missed_since - CLOCK_SKEW)
        else:
            return report
    except (OpenSearchException, ConnectionError, OSError) as exc:
        logger.warning("search: could not catch the index up (%s); trying again at the next run", exc)
        report.pending = True
        return report
    if sync is not None:
        # Cleared only if no miss was counted since it was read: such a miss may be newer than what was copied.
        cleared = IndexSync.objects.filter(pk=sync.pk, misses=sync.misses).update(
            missed_since=None, caught_up_at=timezone.now()
        )
        report.pending = not cleared
    if report.built or report.copied:
        from search.indexing import search_changed

        search_changed()
        logger.info("search: index caught up (%s)", "rebuilt" if report.built else f"{report.copied} entries copied")
    return report


def _index_build(*, rebuild: bool = False) -> bool:
    """Build the index from the entries: when the alias is missing, or (``rebuild``) in place of the live one."""
    from search.bootstrap import index_bootstrap
    from search.rebuild import RebuildReport, index_rebuild

    if rebuild:
        index_rebuild(report=RebuildReport())
        return True
    return index_bootstrap()


def _entries_copy(*, since: datetime) -> int:
    """Copy the entries changed since ``since`` into the index through its alias; answers how many."""
    from search.rebuild import entry_actions

    changed = SearchEntry.objects.filter(updated_at__gte=since).order_by("pk")
    copied, failures = 0, []
    client = opensearch_client()
    for ok, item in helpers.streaming_bulk(
        client, entry_actions(changed, alias_name()), chunk_size=1000, raise_on_error=False, max_retries=0
    ):
        result: dict[str, Any] = next(iter(item.values()))
        if ok or result.get("status") == 404:  # deleting what is not there leaves it not there
            copied += 1
        else:
            failures.append(result.get("error"))
    if failures:
        raise ConnectionError(f"OpenSearch refused {len(failures)} documents, the first: {failures[0]}")
    client.indices.refresh(index=alias_name())
    return copied
