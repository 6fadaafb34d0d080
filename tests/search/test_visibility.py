"""Drafts, unpublished music and tracks that are not ready never show up, in either backend."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from catalog.models import Album, Track
from playlists.models import Playlist
from search.selectors import search_results
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

KINDS = ("track", "artist", "album")


def _found(text: str, viewer: User) -> dict[str, list[str]]:
    pages = search_results(text=text, viewer=viewer, kinds=KINDS)
    return {kind: [getattr(item, "title", None) or item.name for item in page.items] for kind, page in pages.items()}


def test_only_published_ready_music_is_found(
    publish: Callable[..., Track], reindex: Callable[[], None], owner: User, stranger: User
) -> None:
    publish("Velvet Morning", artist="Velvet Band", album="Velvet Days")
    hidden_artist = ArtistFactory(name="Velvet Secrets", owner=owner)
    draft = AlbumFactory(artist=hidden_artist, title="Velvet Draft", status=Album.Status.DRAFT)
    TrackFactory(title="Velvet Unreleased", album=draft)
    gone = AlbumFactory(artist=hidden_artist, title="Velvet Withdrawn", status=Album.Status.UNPUBLISHED)
    TrackFactory(title="Velvet Pulled", album=gone)
    live = AlbumFactory(
        artist=hidden_artist, title="Velvet Later", status=Album.Status.SCHEDULED, release_at=timezone.now()
    )
    TrackFactory(title="Velvet Soon", album=live)
    TrackFactory(title="Velvet Loose", album=None, artist=hidden_artist)
    reindex()

    expected = {"track": ["Velvet Morning"], "artist": ["Velvet Band"], "album": ["Velvet Days"]}
    assert _found("velvet", stranger) == expected
    # Not even their own artist's members find drafts through search: it is the listener's view.
    assert _found("velvet", owner) == expected


def test_a_track_still_processing_or_failed_is_not_found(
    publish: Callable[..., Track], reindex: Callable[[], None], stranger: User
) -> None:
    publish("Glass Harbour").album.tracks.update(status=Track.Status.PROCESSING)
    failed = publish("Glass Tower")
    Track.objects.filter(pk=failed.pk).update(status=Track.Status.FAILED)
    reindex()
    assert _found("glass", stranger)["track"] == []


def test_playlists_are_found_by_everyone_when_public_and_by_their_owner_otherwise(
    reindex: Callable[[], None], owner: User, stranger: User
) -> None:
    for visibility in Playlist.Visibility.values:
        Playlist.objects.create(owner=owner, name=f"Sunday {visibility}", visibility=visibility)
    reindex()

    def names(viewer: User) -> list[str]:
        page = search_results(text="sunday", viewer=viewer, kinds=("playlist",))["playlist"]
        return sorted(playlist.name for playlist in page.items)

    assert names(stranger) == ["Sunday public"]
    assert names(AnonymousUser()) == ["Sunday public"]  # type: ignore[arg-type]
    assert names(owner) == ["Sunday private", "Sunday public", "Sunday unlisted"]
