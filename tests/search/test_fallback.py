"""With OpenSearch unreachable, search answers from the database and nothing errors."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from celery.exceptions import Retry

from accounts.models import User
from catalog.models import Track
from search.rebuild import entries_rebuild
from search.selectors import search_results, suggestions


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
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        # The task fails and is retried later, but only after the entry is written.
        Track.objects.filter(pk=track.pk).first().save()  # type: ignore[union-attr]
    assert [t.title for t in search_results(text="blue skies", viewer=stranger, kinds=("track",))["track"].items] == [
        "Blue Skies"
    ]
