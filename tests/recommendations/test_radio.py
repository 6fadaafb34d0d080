"""Radio and autoplay through the player API: what plays when the music runs out."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Profile
from catalog.models import Album, Track
from playlists.models import Playlist
from recommendations.services import neighbours_compute
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.spotifyclone.test_scopes import third_party_token

DEVICE = "radio-test-device"


@pytest.fixture
def listener(planted):
    neighbours_compute()
    return UserFactory()


@pytest.fixture
def api(listener):
    client = APIClient()
    client.force_authenticate(listener)
    assert client.post("/api/v1/me/player/devices/", {"id": DEVICE, "name": "Laptop"}, format="json").status_code == 200
    return client


def _play(api, tracks, *, offset=0):
    body = {"device_id": DEVICE, "tracks": [t.pk for t in tracks], "offset": {"position": offset}, "context_uri": "/x/"}
    response = api.put("/api/v1/me/player/play/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _next(api):
    response = api.post("/api/v1/me/player/next/")
    assert response.status_code == 200, response.content
    return response.json()


def test_past_the_last_track_autoplay_goes_on_with_a_track_like_what_played(api, planted):
    a0, a1, a2 = planted["tracks"]["a"]
    _play(api, [a0, a1])
    assert _next(api)["item"]["id"] == a1.pk

    state = _next(api)

    assert state["is_playing"] is True
    assert state["item"]["id"] == a2.pk  # heard with a0 and a1 by the same listeners
    assert state["context"]["uri"] == "spotifyclone:autoplay"
    queue = api.get("/api/v1/me/player/queue/").json()
    following = [item["id"] for item in queue["next_in_context"]]
    assert a0.pk not in following
    assert a1.pk not in following


def test_the_queue_shows_what_autoplay_will_play_before_the_context_ends(api, planted):
    a0, a1, a2 = planted["tracks"]["a"]
    _play(api, [a0, a1], offset=1)

    queue = api.get("/api/v1/me/player/queue/").json()

    assert queue["next_in_context"] == []
    assert queue["autoplay"][0]["id"] == a2.pk
    assert _next(api)["item"]["id"] == a2.pk  # what the queue showed is what plays


def test_with_autoplay_off_playback_stops_at_the_end(api, listener, planted):
    a0, _, _ = planted["tracks"]["a"]
    assert api.patch("/api/v1/me/", {"autoplay": False}, format="json").status_code == 200
    assert Profile.objects.get(user=listener).autoplay is False
    _play(api, [a0])

    state = _next(api)

    assert state["is_playing"] is False
    assert state["item"]["id"] == a0.pk
    assert api.get("/api/v1/me/player/queue/").json()["autoplay"] == []


def test_autoplay_plays_only_what_the_listener_may_play(api, listener, planted):
    a0, a1, a2 = planted["tracks"]["a"]
    Track.objects.filter(pk=a2.pk).update(explicit=True)
    assert api.patch("/api/v1/me/", {"explicit_content": False}, format="json").status_code == 200
    draft = AlbumFactory(status=Album.Status.DRAFT)
    TrackFactory(album=draft, play_count=10_000)
    _play(api, [a0, a1], offset=1)

    state = _next(api)

    queue = api.get("/api/v1/me/player/queue/").json()
    autoplayed = [state["item"]["id"]] + [item["id"] for item in queue["next_in_context"]]
    playable = set(
        Track.objects.filter(
            status=Track.Status.READY, album__status=Album.Status.PUBLISHED, explicit=False
        ).values_list("pk", flat=True)
    )
    assert autoplayed
    assert set(autoplayed) <= playable - {a0.pk, a1.pk}


def test_a_track_radio_starts_with_the_track_then_tracks_like_it(api, planted):
    a0, a1, a2 = planted["tracks"]["a"]

    response = api.post(
        "/api/v1/me/player/radio/", {"seed_type": "track", "seed_id": a0.pk, "device_id": DEVICE}, format="json"
    )

    assert response.status_code == 200, response.content
    state = response.json()
    assert state["item"]["id"] == a0.pk
    assert state["is_playing"] is True
    assert state["device"]["id"] == DEVICE
    assert state["context"]["uri"] == f"spotifyclone:radio:track:{a0.pk}"
    following = [item["id"] for item in api.get("/api/v1/me/player/queue/").json()["next_in_context"]]
    assert following[:2] == [a1.pk, a2.pk] or following[:2] == [a2.pk, a1.pk]


def test_a_radio_is_endless_even_with_autoplay_off(api, listener, planted):
    assert api.patch("/api/v1/me/", {"autoplay": False}, format="json").status_code == 200
    album = planted["albums"]["a"]
    state = api.post(
        "/api/v1/me/player/radio/", {"seed_type": "album", "seed_id": album.pk, "device_id": DEVICE}, format="json"
    ).json()
    uri = state["context"]["uri"]
    for _ in range(state["context"]["length"]):
        state = _next(api)

    assert state["is_playing"] is True
    assert state["context"]["uri"] == uri  # more of the same radio


@pytest.mark.parametrize("kind", ["album", "artist", "playlist"])
def test_radio_from_an_album_an_artist_or_a_playlist_plays_from_its_most_played_track(api, listener, planted, kind):
    b_tracks = planted["tracks"]["b"]
    if kind == "album":
        seed_id = planted["albums"]["b"].pk
    elif kind == "artist":
        seed_id = b_tracks[0].artist_id
    else:
        playlist = Playlist.objects.create(owner=listener, name="Mine")
        for position, track in enumerate(b_tracks):
            playlist.items.create(track=track, position=position, track_title=track.title)
        seed_id = playlist.pk
    Track.objects.filter(pk=b_tracks[2].pk).update(play_count=500)

    state = api.post(
        "/api/v1/me/player/radio/", {"seed_type": kind, "seed_id": seed_id, "device_id": DEVICE}, format="json"
    ).json()

    assert state["item"]["id"] == b_tracks[2].pk
    assert state["context"]["uri"] == f"spotifyclone:radio:{kind}:{seed_id}"


def test_radio_of_what_the_listener_may_not_see_is_not_found(api, planted):
    draft = AlbumFactory(status=Album.Status.DRAFT)
    track = TrackFactory(album=draft)
    private = Playlist.objects.create(owner=UserFactory(), name="Theirs", visibility=Playlist.Visibility.PRIVATE)

    for kind, pk in (("album", draft.pk), ("track", track.pk), ("playlist", private.pk), ("artist", 999_999)):
        response = api.post(
            "/api/v1/me/player/radio/", {"seed_type": kind, "seed_id": pk, "device_id": DEVICE}, format="json"
        )
        assert response.status_code == 404, (kind, response.content)
        assert response.json()["error"]["message"] == f"No such {kind}."


def test_radio_with_a_bad_seed_says_what_is_wrong(api, planted):
    response = api.post("/api/v1/me/player/radio/", {"seed_type": "genre", "seed_id": 1}, format="json")

    assert response.status_code == 400
    assert "seed_type" in response.json()["error"]["details"]


def test_radio_needs_the_playback_scope(api, listener, planted):
    a0 = planted["tracks"]["a"][0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(listener, 'user-read-playback-state')}")
    body = {"seed_type": "track", "seed_id": a0.pk}

    response = client.post("/api/v1/me/player/radio/", body, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(listener, 'user-modify-playback-state')}")
    assert client.post("/api/v1/me/player/radio/", {**body, "device_id": DEVICE}, format="json").status_code == 200


def test_the_radio_is_in_the_schema_with_its_scope(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/me/player/radio/"]["post"]

    assert {"oauth2": ["user-modify-playback-state"]} in operation["security"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RadioRequest")
