"""search_reindex builds a new index behind the alias while queries keep being answered from the old one."""

import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import Track
from search import rebuild
from search.backends import search_backend
from search.backends.opensearch import alias_name
from search.client import opensearch_client
from search.indexing import documents_sync
from search.selectors import search_results

pytestmark = pytest.mark.services


def _titles(text: str, viewer: User) -> list[str]:
    return sorted(t.title for t in search_results(text=text, viewer=viewer, kinds=("track",), limit=50)["track"].items)


def test_the_alias_swaps_to_a_new_index_without_a_gap(
    settings: Any,
    publish: Callable[..., Track],
    stranger: User,
    transactional_db: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    settings.SEARCH_CACHE_SECONDS = 0
    for n in range(30):
        publish(f"River Song {n:02d}", artist="River Band")
    call_command("search_reindex", stdout=StringIO(), stderr=StringIO())
    client = opensearch_client()
    (first_index,) = client.indices.get_alias(name=alias_name())
    expected = sorted(f"River Song {n:02d}" for n in range(30))
    assert _titles("river song", stranger) == expected

    # Queries run all through the rebuild; a track is published half-way through the bulk.
    answers: list[list[str]] = []
    stop = threading.Event()

    def query() -> None:
        from django.db import connection

        try:
            while not stop.is_set() and len(answers) < 2000:
                answers.append(_titles("river song", stranger))
        finally:
            connection.close()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "index" and not late:
            late.append(publish("River Song Late", artist="River Band"))
            documents_sync("track", [late[0].pk])

    late: list[Track] = []
    reader = threading.Thread(target=query)
    reader.start()
    try:
        report = rebuild.search_rebuild(progress=progress)
    finally:
        stop.set()
        reader.join(timeout=30)

    (second_index,) = client.indices.get_alias(name=alias_name())
    assert second_index == report.index != first_index
    assert not client.indices.exists(index=first_index)
    assert report.replayed >= 1
    assert answers, "the reader never got an answer"
    # Every answer during the rebuild was complete: the 30 tracks, with or without the late one.
    assert all(answer in (expected, sorted([*expected, "River Song Late"])) for answer in answers)
    # No query fell back to the database.
    assert "answering from the database" not in caplog.text
    assert search_backend()._skip_until == 0.0  # type: ignore[attr-defined]
    assert _titles("river song late", stranger) == ["River Song Late"]
    client.indices.delete(index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)
