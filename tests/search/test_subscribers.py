"""Search follows the catalog's bulk changes, which send no model signal, through the catalog's event."""

from collections.abc import Callable
from typing import Any

from accounts.models import User
from catalog.events import CatalogRowsChanged
from catalog.models import Album
from catalog.services.albums import album_track_remove
from core.events import unsubscribe
from search import subscribers
from search.models import SearchEntry
from search.selectors import search_results
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory


def _titles(text: str, viewer: User) -> list[str]:
    return [track.title for track in search_results(text=text, viewer=viewer, kinds=("track",))["track"].items]


def _visible_entries() -> list[str]:
    return sorted(SearchEntry.objects.filter(kind="track", visible=True).values_list("name", flat=True))


def _published_album(owner: User) -> Album:
    album = AlbumFactory(
        artist=ArtistFactory(name="Harbour Lights", owner=owner),
        title="Harbour",
        artwork="albums/a.png",
        status=Album.Status.PUBLISHED,
    )
    TrackFactory(title="Lantern Song", album=album)
    TrackFactory(title="Tide Table", album=album)
    return album


def test_a_track_taken_off_its_published_album_leaves_search(
    backend: str, reindex: Callable[[], None], owner: User, stranger: User, django_capture_on_commit_callbacks: Any
) -> None:
    album = _published_album(owner)
    reindex()
    assert _titles("lantern", stranger) == ["Lantern Song"]

    with django_capture_on_commit_callbacks(execute=True):
        album_track_remove(album=album, by=owner, track_id=album.tracks.get(title="Lantern Song").pk)

    assert _titles("lantern", stranger) == []  # no longer on a published album: nobody else may find it
    assert _titles("tide", stranger) == ["Tide Table"]
    assert _visible_entries() == ["Tide Table"]


def test_without_searchs_subscription_the_bulk_change_goes_unseen(
    backend: str, reindex: Callable[[], None], owner: User, stranger: User, django_capture_on_commit_callbacks: Any
) -> None:
    album = _published_album(owner)
    reindex()
    unsubscribe(CatalogRowsChanged, subscribers.index_changed_rows)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            album_track_remove(album=album, by=owner, track_id=album.tracks.get(title="Lantern Song").pk)
    finally:
        subscribers.subscribe_all()

    assert _visible_entries() == ["Lantern Song", "Tide Table"]  # stale until the next rebuild
