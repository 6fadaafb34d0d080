"""What search shows a listener: each kind's own visibility rule, applied to what the backend finds."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from catalog.models import Track
from playlists.models import Playlist, PlaylistCollaborator
from playlists.services.playlists import playlist_collaborator_add, playlist_collaborator_remove
from search.selectors import recent_searches, result_load, search_results, suggestions
from tests.accounts.factories import UserFactory
from tests.playlists.factories import PlaylistFactory
from tests.search.factories import RecentSearchFactory

PRIVATE, UNLISTED, PUBLIC = Playlist.Visibility.PRIVATE, Playlist.Visibility.UNLISTED, Playlist.Visibility.PUBLIC


def _playlists_found(text: str, viewer: User | AnonymousUser) -> list[str]:
    page = search_results(text=text, viewer=viewer, kinds=("playlist",))["playlist"]  # type: ignore[arg-type]
    return sorted(playlist.name for playlist in page.items)


def test_a_playlist_not_public_is_found_by_its_owner_and_collaborators_and_nobody_else(
    reindex: Callable[[], None],
) -> None:
    alice, bob, eve = UserFactory(username="alice"), UserFactory(username="bob"), UserFactory(username="eve")
    PlaylistFactory(owner=alice, name="Night Walk", visibility=PUBLIC)
    for name, visibility in (("Night Drive", PRIVATE), ("Night Swim", UNLISTED)):
        shared = PlaylistFactory(owner=alice, name=name, visibility=visibility, collaborative=True)
        PlaylistCollaborator.objects.create(playlist=shared, user=bob)
    # Collaborators count only while the playlist is collaborative: once switched off, bob may not open it.
    closed = PlaylistFactory(owner=alice, name="Night Notes", visibility=PRIVATE, collaborative=False)
    PlaylistCollaborator.objects.create(playlist=closed, user=bob)
    reindex()

    assert _playlists_found("night", alice) == ["Night Drive", "Night Notes", "Night Swim", "Night Walk"]
    assert _playlists_found("night", bob) == ["Night Drive", "Night Swim", "Night Walk"]
    assert _playlists_found("night", eve) == ["Night Walk"]
    assert _playlists_found("night", AnonymousUser()) == ["Night Walk"]


def test_a_collaborator_is_offered_the_playlist_as_they_type(reindex: Callable[[], None]) -> None:
    alice = UserFactory(username="alice", display_name="Alice Liddell")
    bob, eve = UserFactory(username="bob"), UserFactory(username="eve")
    drive = PlaylistFactory(owner=alice, name="Night Drive", visibility=PRIVATE, collaborative=True)
    PlaylistCollaborator.objects.create(playlist=drive, user=bob)
    reindex()

    offered = [(s.kind, s.name, s.subtitle, s.url) for s in suggestions(text="night dr", viewer=bob)]
    assert offered == [
        ("playlist", "Night Drive", "Playlist · Alice Liddell", reverse("playlists:detail", args=[drive.pk]))
    ]
    assert suggestions(text="night dr", viewer=eve) == []


def test_results_keep_the_backends_order_and_drop_what_the_viewer_may_no_longer_open(db: None) -> None:
    alice, eve = UserFactory(), UserFactory()
    first, second, third = (PlaylistFactory(owner=alice, name=name) for name in ("One", "Two", "Three"))
    # Made private after the index was written: the entry may still name it for a moment.
    Playlist.objects.filter(pk=second.pk).update(visibility=PRIVATE)

    ids = [third.pk, second.pk, first.pk]
    assert [p.name for p in result_load("playlist", ids, eve)] == ["Three", "One"]
    assert [p.name for p in result_load("playlist", ids, alice)] == ["Three", "Two", "One"]


def test_recent_searches_are_the_latest_first_and_only_what_the_listener_may_still_open(
    publish: Callable[..., Track],
) -> None:
    eve = UserFactory()
    song = publish("Harbour Lights", artist="The Tides")
    hidden = PlaylistFactory(name="Gone Quiet", visibility=PRIVATE)
    kept = PlaylistFactory(name="Still Here")
    now = timezone.now()
    RecentSearchFactory(user=eve, kind="track", object_id=song.pk, searched_at=now - timedelta(minutes=3))
    RecentSearchFactory(user=eve, kind="playlist", object_id=hidden.pk, searched_at=now - timedelta(minutes=2))
    RecentSearchFactory(user=eve, kind="playlist", object_id=kept.pk, searched_at=now - timedelta(minutes=1))
    RecentSearchFactory(kind="playlist", object_id=kept.pk, searched_at=now)  # someone else's

    assert [(s.kind, s.name, s.subtitle) for s in recent_searches(user=eve)] == [
        ("playlist", "Still Here", f"Playlist · {kept.owner.public_name}"),
        ("track", "Harbour Lights", "Track · The Tides"),
    ]
    assert recent_searches(user=AnonymousUser()) == []  # type: ignore[arg-type]


def test_a_new_collaborator_finds_the_playlist_at_once_though_the_search_was_cached(
    reindex: Callable[[], None], django_capture_on_commit_callbacks: Any
) -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    drive = PlaylistFactory(owner=alice, name="Night Drive", visibility=PRIVATE)
    reindex()
    assert _playlists_found("night", bob) == []

    with django_capture_on_commit_callbacks(execute=True):
        playlist_collaborator_add(playlist=drive, by=alice, user=bob)
    assert _playlists_found("night", bob) == ["Night Drive"]

    with django_capture_on_commit_callbacks(execute=True):
        playlist_collaborator_remove(playlist=drive, by=bob, user=bob)
    assert _playlists_found("night", bob) == []
