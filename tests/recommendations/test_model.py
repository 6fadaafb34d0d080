from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Profile
from catalog.models import Album, Track
from playlists.models import LikedTrack
from recommendations.keys import listener_key
from recommendations.models import ModelRun, Neighbour
from recommendations.selectors import neighbours_of, recommendations_for_listener
from recommendations.services import neighbours_compute
from recommendations.tasks import recommendations_compute
from tests.accounts.factories import UserFactory
from tests.catalog.factories import TrackFactory
from tests.recommendations.conftest import play


def _ids(tracks):
    return [track.pk for track in tracks]


def test_a_tracks_neighbours_are_those_its_listeners_played_close_by(planted):
    a0, a1, a2 = planted["tracks"]["a"]

    figures = neighbours_compute()

    assert figures.plays_read == 32
    assert figures.listeners == 8
    assert [other for other, _ in neighbours_of(kind="track", ids=[a0.pk])[a0.pk]] == [a1.pk, a2.pk]


def test_the_hit_everybody_plays_is_nobodys_neighbour(planted):
    neighbours_compute()

    assert not Neighbour.objects.filter(neighbour_id=planted["hit"].pk, kind="track").exists()


def test_plays_far_apart_in_time_make_no_pair(planted):
    user, a0, b0 = UserFactory(), planted["tracks"]["a"][0], planted["tracks"]["b"][0]
    second = UserFactory()
    start = timezone.now() - timedelta(days=3)
    for listener in (user, second):
        play(listener, a0, start)
        play(listener, b0, start + timedelta(days=1))

    neighbours_compute()

    assert b0.pk not in [other for other, _ in neighbours_of(kind="track", ids=[a0.pk])[a0.pk]]


def test_a_listener_of_group_a_is_recommended_as_tracks_and_not_bs(planted):
    a0, a1, a2 = planted["tracks"]["a"]
    listener = UserFactory()
    play(listener, a0, timezone.now() - timedelta(minutes=5))
    neighbours_compute()

    ids = _ids(recommendations_for_listener(user=listener, limit=3))

    assert ids[:2] == [a1.pk, a2.pk]


def test_running_the_computation_twice_leaves_the_same_neighbours(planted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_compute()
    first = sorted(Neighbour.objects.values_list("kind", "item_id", "neighbour_id", "score", "listeners"))
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_compute()

    assert sorted(Neighbour.objects.values_list("kind", "item_id", "neighbour_id", "score", "listeners")) == first
    assert first
    assert ModelRun.objects.count() == 2


def test_recommendations_never_hold_unpublished_invisible_or_blocked_explicit_tracks(planted):
    a0, a1, a2 = planted["tracks"]["a"]
    listener = UserFactory()
    play(listener, a0, timezone.now() - timedelta(minutes=5))
    neighbours_compute()
    assert a1.pk in _ids(recommendations_for_listener(user=listener))

    Track.objects.filter(pk=a1.pk).update(explicit=True)
    Profile.objects.filter(user=listener).update(explicit_content=False)
    Track.objects.filter(pk=a2.pk).update(status=Track.Status.PROCESSING)
    Album.objects.filter(pk=planted["albums"]["b"].pk).update(status=Album.Status.DRAFT)
    listener.refresh_from_db()
    listener.profile.refresh_from_db()

    shown = set(_ids(recommendations_for_listener(user=listener)))

    assert shown
    assert not shown & {a1.pk, a2.pk, *_ids(planted["tracks"]["b"])}
    assert shown <= set(
        Track.objects.filter(status="ready", album__status="published", explicit=False).values_list("pk", flat=True)
    )


def test_a_new_listener_gets_the_most_played_tracks(planted):
    listener = UserFactory()
    neighbours_compute()

    ids = _ids(recommendations_for_listener(user=listener, limit=4))

    assert ids == [planted["hit"].pk, *_ids(planted["tracks"]["b"])]


def test_a_listener_with_little_history_gets_the_popular_tracks_of_their_genres(planted, settings):
    jazz_fan, b0 = UserFactory(), planted["tracks"]["b"][0]
    rock_track = TrackFactory(album=planted["albums"]["a"], play_count=500, title="rock but unplayed")
    play(jazz_fan, b0, timezone.now() - timedelta(minutes=5))
    # no model yet: nothing computed, so only the genre fills the list

    ids = _ids(recommendations_for_listener(user=jazz_fan, limit=3))

    assert ids[:2] == _ids(planted["tracks"]["b"][1:])
    assert rock_track.pk not in ids[:2]


def test_a_like_forgets_the_listeners_cached_list(planted, django_capture_on_commit_callbacks):
    listener, a0 = UserFactory(), planted["tracks"]["a"][0]
    recommendations_for_listener(user=listener)
    assert cache.get(listener_key(listener.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        LikedTrack.objects.create(user=listener, track=a0)

    assert cache.get(listener_key(listener.pk)) is None


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("put", "/api/v1/me/tracks/", "track"),
        ("delete", "/api/v1/me/tracks/", "track"),
        ("put", "/api/v1/me/following/?type=artist", "artist"),
        ("delete", "/api/v1/me/following/?type=artist", "artist"),
    ],
)
def test_liking_or_following_through_the_library_forgets_the_listeners_cached_lists(
    planted, django_capture_on_commit_callbacks, method, path, key
):
    listener, a0 = UserFactory(), planted["tracks"]["a"][0]
    api = APIClient()
    api.force_authenticate(listener)
    recommendations_for_listener(user=listener)
    assert cache.get(listener_key(listener.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(api, method)(path, {"ids": [a0.pk if key == "track" else a0.artist_id]}, format="json")

    assert response.status_code in (200, 204), response.content
    assert cache.get(listener_key(listener.pk)) is None


def test_a_run_of_the_model_makes_every_cached_list_stale_and_refreshes_active_listeners(
    planted, django_capture_on_commit_callbacks
):
    idle, active = UserFactory(), planted["listeners"]["a"][0]
    recommendations_for_listener(user=idle)
    old = listener_key(idle.pk)

    with django_capture_on_commit_callbacks(execute=True):
        recommendations_compute()

    assert listener_key(idle.pk) != old
    assert cache.get(listener_key(idle.pk)) is None
    assert cache.get(listener_key(active.pk)) is not None
