"""A track found by a line of its lyrics, in both backends: published lyrics only, and the line shown."""

from collections.abc import Callable
from typing import Any

import pytest

from catalog.models import Album, Track
from catalog.services.lyrics import lyrics_publish, lyrics_save
from search.backends.opensearch import query_body

pytestmark = pytest.mark.django_db

LINES = [
    {"start_ms": 1000, "text": "Over the cold water"},
    {"start_ms": 4000, "text": "Where the lanterns burn"},
]


def _owner(track: Track) -> Any:
    return track.artist.memberships.get().user


def _sing(track: Track, lines: list[dict[str, Any]] = LINES, *, publish: bool = True) -> None:
    owner = _owner(track)
    lyrics_save(track=track, by=owner, lines=lines)
    if publish:
        lyrics_publish(track=track, by=owner)


def _tracks(client: Any, q: str) -> dict[str, Any]:
    answer = client.get("/api/v1/search/", {"q": q, "type": "track"})
    assert answer.status_code == 200
    return answer.json()["tracks"]


def test_a_remembered_line_finds_the_track_and_says_so(
    backend: str,
    publish: Callable[..., Track],
    reindex: Callable[[], None],
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    song = publish("Harbour", artist="Lamps", plays=10)
    publish("Something Else", artist="Other", plays=999)
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _sing(song)

    found = _tracks(client, "lanterns burn")
    assert [item["id"] for item in found["items"]] == [song.pk]
    assert found["total"] == 1
    assert found["items"][0]["lyrics_line"] == "Where the lanterns burn"
    # Accents and case are forgiven, as for names; a phrase across two lines is not one of them.
    assert [item["id"] for item in _tracks(client, "WHERE THE LÄNTERNS")["items"]] == [song.pk]
    assert _tracks(client, "water where")["items"] == []


def test_a_match_by_name_comes_before_one_by_lyrics(
    backend: str,
    publish: Callable[..., Track],
    reindex: Callable[[], None],
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sung = publish("Harbour", artist="Lamps", plays=1000)
    named = publish("Cold Water", artist="Rivers", plays=1)
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _sing(sung)

    found = _tracks(client, "cold water")
    assert [item["id"] for item in found["items"]] == [named.pk, sung.pk]
    assert [item["lyrics_line"] for item in found["items"]] == [None, "Over the cold water"]


def test_draft_lyrics_and_lyrics_of_hidden_tracks_find_nothing(
    backend: str,
    publish: Callable[..., Track],
    reindex: Callable[[], None],
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    drafted = publish("Harbour", artist="Lamps")
    hidden = publish("Unreleased", artist="Lamps")
    Album.objects.filter(pk=hidden.album_id).update(status=Album.Status.DRAFT)
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _sing(drafted, publish=False)
        _sing(hidden, [{"start_ms": 1000, "text": "Where the lanterns burn"}])

    assert _tracks(client, "lanterns burn")["items"] == []


def test_unpublished_lyrics_leave_search(
    backend: str,
    publish: Callable[..., Track],
    reindex: Callable[[], None],
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from catalog.services.lyrics import lyrics_delete

    song = publish("Harbour", artist="Lamps")
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _sing(song)
    assert len(_tracks(client, "cold water")["items"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        lyrics_delete(track=song, by=_owner(song), state="published")
    assert _tracks(client, "cold water")["items"] == []


def test_one_word_is_not_looked_for_in_lyrics() -> None:
    assert "lyrics" not in str(query_body("water", kind="track", viewer_id=None))
    assert "lyrics" in str(query_body("cold water", kind="track", viewer_id=None))
    assert "lyrics" not in str(query_body("cold water", kind="album", viewer_id=None))


def test_the_search_page_shows_the_line(
    publish: Callable[..., Track], reindex: Callable[[], None], client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    song = publish("Harbour", artist="Lamps")
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _sing(song)
    page = client.get("/search/", {"q": "lanterns burn"}).content.decode()
    assert "Harbour" in page
    assert '<span class="track-lyrics muted">Lyrics: “Where the lanterns burn”</span>' in page
