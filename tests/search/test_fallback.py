"""With OpenSearch unreachable, search answers from the database and nothing errors."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from celery.exceptions import Retry

from accounts.models import User
from catalog.models import Track
from search.client import alias_name
from search.models import IndexSync
from search.rebuild import entries_rebuild
from search.selectors import search_results, suggestions
from search.tasks import search_documents_sync


@pytest.fixture
def opensearch_down(settings: Any) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    settings.OPENSEARCH_URL = "http://127.0.0.1:1"  # nothing listens there: connection refused at once


def test_search_answers_from_the_database_when_opensearch_is_down(
    publish: Callable[..., Track], opensearch_down: None, stranger: User, caplog: pytest.LogCaptureFixture, client: Any
) -> None:
    publish("Paper Moon", artist="Ella Fitzgerald")
    entries_rebuild()

    with caplog.at_level(logging.WARNING, logger="search"):
        page = search_results(text="paper mon", viewer=stranger, kinds=("track",))["track"]
    assert [track.title for track in page.items] == ["Paper Moon"]
    assert "answering from the database" in caplog.text

    first = suggestions(text="ella fitz", viewer=stranger)[0]
    assert (first.kind, first.name) == ("artist", "Ella Fitzgerald")
    response = client.get("/api/v1/search/", {"q": "paper moon", "type": "track"})
    assert response.status_code == 200
    assert [t["title"] for t in response.json()["tracks"]["items"]] == ["Paper Moon"]
    assert client.get("/search/", {"q": "paper"}).status_code == 200


def test_changes_are_kept_in_the_database_while_opensearch_is_down(
    publish: Callable[..., Track], opensearch_down: None, stranger: User, django_capture_on_commit_callbacks: Any
) -> None:
    track = publish("Blue Skies")
    with django_capture_on_commit_callbacks(execute=True):
        # The change is saved; its entry is written; the index's miss is recorded for the catch-up.
        Track.objects.filter(pk=track.pk).first().save()  # type: ignore[union-attr]
    assert [t.title for t in search_results(text="blue skies", viewer=stranger, kinds=("track",))["track"].items] == [
        "Blue Skies"
    ]
    sync = IndexSync.objects.get(alias=alias_name())
    assert sync.missed_since is not None
    assert sync.misses == 2  # the track's update and its artist's


def test_a_worker_retries_an_index_update_that_missed_then_leaves_it_to_the_catch_up(
    publish: Callable[..., Track], opensearch_down: None
) -> None:
    track = publish("Blue Skies")

    def run(*, retries: int) -> None:
        search_documents_sync.push_request(is_eager=False, retries=retries)
        try:
            search_documents_sync.run("track", [track.pk])
        finally:
            search_documents_sync.pop_request()

    with pytest.raises(Retry):
        run(retries=0)
    run(retries=search_documents_sync.max_retries)  # the last try gives up quietly: the miss is recorded
    assert IndexSync.objects.get(alias=alias_name()).missed_since is not None
