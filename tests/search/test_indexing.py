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


def test_playlists_reach_search_as_they_are_made_shown_hidden_and_deleted(
    backend: str, reindex: Callable[[], None], owner: User, stranger: User, django_capture_on_commit_callbacks: Any
) -> None:
    from playlists.models import Playlist
    from playlists.services.playlists import playlist_create, playlist_delete, playlist_update

    reindex()

    def names(viewer: User) -> list[str]:
        return [p.name for p in search_results(text="road trip", viewer=viewer, kinds=("playlist",))["playlist"].items]

    with django_capture_on_commit_callbacks(execute=True):
        playlist = playlist_create(owner=owner, name="Road Trip", visibility=Playlist.Visibility.PRIVATE)
    _eventually(lambda: names(owner), ["Road Trip"])
    assert names(stranger) == []

    with django_capture_on_commit_callbacks(execute=True):
        playlist = playlist_update(playlist=playlist, by=owner, visibility=Playlist.Visibility.PUBLIC)
    _eventually(lambda: names(stranger), ["Road Trip"])

    with django_capture_on_commit_callbacks(execute=True):
        playlist_delete(playlist=playlist, by=owner)
    _eventually(lambda: names(owner), [])


def test_play_counts_reach_the_ranking_on_the_periodic_refresh(
    backend: str, publish: Callable[..., Track], reindex: Callable[[], None], stranger: User
) -> None:
    from search.tasks import search_popularity_refresh

    quiet, loud = (
        publish("Summer Rain", artist="Quiet Band", plays=10),
        publish("Summer Rain", artist="Loud Band", plays=5),
    )
    reindex()
    assert [
        t.artist.name for t in search_results(text="summer rain", viewer=stranger, kinds=("track",))["track"].items
    ] == [
        "Quiet Band",
        "Loud Band",
    ]
    Track.objects.filter(pk=loud.pk).update(play_count=5000)  # plays count with F(): no signal
    assert search_popularity_refresh.delay().get() >= 1
    assert [
        t.artist.name for t in search_results(text="summer rain", viewer=stranger, kinds=("track",))["track"].items
    ] == [
        "Loud Band",
        "Quiet Band",
    ]
    assert SearchEntry.objects.get(kind="track", object_id=quiet.pk).popularity == 10


def test_old_tombstones_are_purged(db: None) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from search.tasks import search_tombstones_purge

    SearchEntry.objects.create(kind="track", object_id=1, name="Gone", folded="gone", visible=False)
    SearchEntry.objects.create(kind="track", object_id=2, name="Just gone", folded="just gone", visible=False)
    SearchEntry.objects.filter(object_id=1).update(updated_at=timezone.now() - timedelta(days=2))
    assert search_tombstones_purge.delay().get() == 1
    assert list(SearchEntry.objects.values_list("object_id", flat=True)) == [2]
