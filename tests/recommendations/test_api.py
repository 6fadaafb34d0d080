from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Profile
from catalog.models import Album, Track
from recommendations.services import neighbours_compute
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.recommendations.conftest import play
from tests.spotifyclone.test_scopes import third_party_token


@pytest.fixture
def api():
    return APIClient()


def _error(response):
    return response.json()["error"]


def test_recommendations_from_a_track_seed_answer_its_neighbours_in_spotifys_shape(api, planted):
    a0, a1, a2 = planted["tracks"]["a"]
    neighbours_compute()

    response = api.get("/api/v1/recommendations/", {"seed_tracks": str(a0.pk), "limit": 2})

    assert response.status_code == 200
    body = response.json()
    assert [track["id"] for track in body["tracks"]] == [a1.pk, a2.pk]
    assert body["seeds"] == [
        {
            "id": str(a0.pk),
            "type": "track",
            "initialPoolSize": 2,
            "href": f"http://testserver/api/v1/tracks/{a0.pk}/",
        }
    ]


def test_recommendations_from_a_genre_seed_are_its_most_played(api, planted):
    response = api.get("/api/v1/recommendations/", {"seed_genres": "jazz", "limit": 3})

    assert [track["id"] for track in response.json()["tracks"]] == [t.pk for t in planted["tracks"]["b"]]
    assert response.json()["seeds"][0] == {"id": "jazz", "type": "genre", "initialPoolSize": 3, "href": None}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"seed_tracks": "1,2,3", "seed_artists": "4,5", "seed_genres": "rock"},
        {"seed_tracks": "one"},
        {"seed_genres": "rock", "limit": 0},
        {"seed_genres": "rock", "limit": 101},
    ],
)
def test_recommendations_refuse_no_seed_too_many_seeds_bad_ids_and_limits(api, db, query):
    response = api.get("/api/v1/recommendations/", query)

    assert response.status_code == 400
    assert _error(response)["status"] == 400


def test_recommendations_hide_explicit_tracks_from_a_listener_who_turned_them_off(api, planted):
    a0, a1, a2 = planted["tracks"]["a"]
    neighbours_compute()
    Track.objects.filter(pk=a1.pk).update(explicit=True)
    listener = UserFactory()
    Profile.objects.filter(user=listener).update(explicit_content=False)
    api.force_authenticate(type(listener).objects.get(pk=listener.pk))

    ids = [track["id"] for track in api.get("/api/v1/recommendations/", {"seed_tracks": a0.pk}).json()["tracks"]]

    assert a1.pk not in ids
    assert ids[0] == a2.pk


def test_mixes_need_a_listener_and_the_recently_played_scope(api, planted):
    listener = planted["listeners"]["a"][0]
    assert api.get("/api/v1/me/mixes/").status_code == 401

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(listener, 'user-library-read')}")
    assert _error(api.get("/api/v1/me/mixes/"))["code"] == "insufficient_scope"

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(listener, 'user-read-recently-played')}")
    response = api.get("/api/v1/me/mixes/")
    assert response.status_code == 200


def test_mixes_group_the_listeners_artists_and_hold_their_music(api, db, django_assert_max_num_queries):
    one, two, other = ArtistFactory(name="One"), ArtistFactory(name="Two"), ArtistFactory(name="Other")
    tracks = {
        artist.name: [TrackFactory(album=AlbumFactory(artist=artist, status=Album.Status.PUBLISHED)) for _ in range(2)]
        for artist in (one, two, other)
    }
    start = timezone.now() - timedelta(hours=2)
    listeners = UserFactory.create_batch(3)
    for user in listeners:
        for place, track in enumerate([*tracks["One"], *tracks["Two"]]):
            play(user, track, start + timedelta(minutes=4 * place))
    loner = UserFactory()
    play(loner, tracks["Other"][0], start)
    neighbours_compute()
    api.force_authenticate(listeners[0])

    with django_assert_max_num_queries(25):
        items = api.get("/api/v1/me/mixes/").json()["items"]

    assert [[artist["name"] for artist in item["artists"]] for item in items] == [["Two", "One"]]
    assert items[0]["id"] == "mix-1"
    assert items[0]["name"] == "Mix 1: Two, One"
    assert {track["artist"]["name"] for track in items[0]["tracks"]} == {"One", "Two"}


def test_related_artists_are_those_played_by_the_same_listeners_then_those_sharing_genres(api, planted):
    one, two = ArtistFactory(name="One"), ArtistFactory(name="Two")
    rock = planted["genres"][0]
    for artist in (one, two):
        album = AlbumFactory(artist=artist, status=Album.Status.PUBLISHED)
        album.genres.add(rock)
        TrackFactory(album=album)
    start = timezone.now() - timedelta(hours=2)
    for user in UserFactory.create_batch(3):
        play(user, one.tracks.get(), start)
        play(user, two.tracks.get(), start + timedelta(minutes=3))
    neighbours_compute()

    response = api.get(f"/api/v1/artists/{one.pk}/related-artists/")

    names = [artist["name"] for artist in response.json()["artists"]]
    assert names[0] == "Two"
    assert set(names[1:]) == {planted["albums"]["a"].artist.name, planted["albums"]["hit"].artist.name}
    assert api.get("/api/v1/artists/999999/related-artists/").status_code == 404


def test_recommendations_read_in_a_bounded_number_of_queries_and_an_unknown_seed_gives_an_empty_pool(
    api, planted, django_assert_max_num_queries
):
    neighbours_compute()
    seeds = ",".join(str(t.pk) for t in planted["tracks"]["a"][:2])

    with django_assert_max_num_queries(15):
        response = api.get("/api/v1/recommendations/", {"seed_tracks": seeds, "seed_artists": "999999", "limit": 50})

    assert response.status_code == 200
    assert response.json()["seeds"][-1] == {
        "id": "999999",
        "type": "artist",
        "initialPoolSize": 0,
        "href": "http://testserver/api/v1/artists/999999/",
    }
    assert planted["tracks"]["a"][2].pk == response.json()["tracks"][0]["id"]
