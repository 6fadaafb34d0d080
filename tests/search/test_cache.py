"""Repeated queries come from the cache until the entries change."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import Track
from search.indexing import documents_sync
from search.rebuild import entries_rebuild
from search.selectors import search_results


def _entry_queries(context: CaptureQueriesContext) -> int:
    return sum("search_searchentry" in query["sql"] for query in context.captured_queries)


def test_a_repeated_query_is_answered_from_the_cache_until_an_entry_changes(
    publish: Callable[..., Track], stranger: User, settings: Any
) -> None:
    settings.SEARCH_BACKEND = "database"  # its queries can be counted
    track = publish("Morning Dew", artist="Field Notes")
    entries_rebuild()
    assert [t.title for t in search_results(text="morning", viewer=stranger, kinds=("track",))["track"].items] == [
        "Morning Dew"
    ]
    with CaptureQueriesContext(connection) as repeated:
        search_results(text="Morning", viewer=stranger, kinds=("track",))  # folded: the same query
    assert _entry_queries(repeated) == 0

    Track.objects.filter(pk=track.pk).update(title="Morning Mist")
    documents_sync("track", [track.pk])  # what the task does after the commit
    with CaptureQueriesContext(connection) as fresh:
        page = search_results(text="morning", viewer=stranger, kinds=("track",))["track"]
    assert _entry_queries(fresh) > 0
    assert [t.title for t in page.items] == ["Morning Mist"]
