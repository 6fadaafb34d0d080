"""The entries, and the OpenSearch index, follow publish, unpublish, edit and delete."""

import time
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from catalog.models import Album, Track
from catalog.services.albums import album_publish, album_unpublish
from catalog.services.tracks import track_delete, track_update
from search.models import SearchEntry
from search.selectors import search_results
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory


def _titles(text: str, viewer: User) -> list[str]:
    return [track.title for track in search_results(text=text, viewer=viewer, kinds=("track",))["track"].items]


def _eventually(check: Callable[[], Any], expected: Any, *, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while (value := check()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert value == expected


@pytest.fixture
def draft(db: None, owner: User) -> Album:
    album = AlbumFactory(
        artist=ArtistFactory(name="Harbour Lights", owner=owner), title="Harbour", artwork="albums/a.png"
    )
    TrackFactory(title="Lantern Song", album=album)
    TrackFactory(title="Tide Table", album=album)
    return album


def test_publish_unpublish_edit_and_delete_reach_search(
    backend: str,
    reindex: Callable[[], None],
    draft: Album,
    owner: User,
    stranger: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reindex()  # an empty index to begin with
    assert _titles("lantern", stranger) == []

    with django_capture_on_commit_callbacks(execute=True):
        album_publish(album=draft, by=owner)
    _eventually(lambda: _titles("lantern", stranger), ["Lantern Song"])
    _eventually(
        lambda: [a.name for a in search_results(text="harbour", viewer=stranger, kinds=("artist",))["artist"].items],
        ["Harbour Lights"],
    )

    lantern = draft.tracks.get(title="Lantern Song")
    with django_capture_on_commit_callbacks(execute=True):
        track_update(track=lantern, by=owner, title="Lamplight Song")
    _eventually(lambda: _titles("lamplight", stranger), ["Lamplight Song"])
    _eventually(lambda: _titles("lantern", stranger), [])

    with django_capture_on_commit_callbacks(execute=True):
        track_delete(track=Track.objects.get(title="Tide Table"), by=owner)
    _eventually(lambda: _titles("tide table", stranger), [])

    with django_capture_on_commit_callbacks(execute=True):
        album_unpublish(album=Album.objects.get(pk=draft.pk), by=owner)
    _eventually(lambda: _titles("lamplight", stranger), [])
    assert not SearchEntry.objects.filter(kind="track", visible=True).exists()


def test_reindex_turns_stale_entries_into_tombstones(backend: str, reindex: Callable[[], None], draft: Album) -> None:
    Album.objects.filter(pk=draft.pk).update(status=Album.Status.PUBLISHED)
    reindex()
    assert SearchEntry.objects.filter(kind="track", visible=True).count() == 2
    Album.objects.filter(pk=draft.pk).update(status=Album.Status.UNPUBLISHED)  # no signal: only a rebuild notices
    reindex()
    assert SearchEntry.objects.filter(kind="track", visible=True).count() == 0
    assert SearchEntry.objects.filter(kind="track", visible=False).count() == 2
