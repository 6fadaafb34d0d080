"""Playback across devices through the API: state, transfer, versions, queue, visibility, bad input."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from catalog.models import Album
from streaming.models import Device, PlaybackState
from streaming.playback import progress_ms
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory

# Transactional: the state reaches the cache when its change commits, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "phone-0000000001"
LAPTOP = "laptop-000000001"


@pytest.fixture
def album():
    album = AlbumFactory(status=Album.Status.PUBLISHED, title="Tides")
    for number in range(1, 5):
        TrackFactory(album=album, title=f"Tide {number}", track_number=number, duration_ms=200_000)
    return album


@pytest.fixture
def tracks(album) -> list[int]:
    return list(album.tracks.order_by("track_number").values_list("pk", flat=True))


@pytest.fixture
def listener():
    return UserFactory(username="listener")


@pytest.fixture
def api(listener) -> APIClient:
    client = APIClient()
    client.force_login(listener)
    for device_id, name in ((LAPTOP, "Chrome on Linux"), (PHONE, "Firefox on Android")):
        assert (
            client.post("/api/v1/me/player/devices/", {"id": device_id, "name": name}, format="json").status_code == 200
        )
    return client


def _put(api, path, body=None):
    return api.put(f"/api/v1/me/player/{path}", body or {}, format="json")


def _play(api, tracks, **extra):
    body = {"device_id": LAPTOP, "tracks": tracks, "context_uri": "/albums/1/", **extra}
    response = _put(api, "play/", body)
    assert response.status_code == 200, response.json()
    return response.json()


def _state(api, **params):
    return api.get("/api/v1/me/player/", params)


def _age(user, *, seconds: float) -> None:
    """Pretend the last report was made ``seconds`` ago (the cache then rebuilds from the row)."""
    state = PlaybackState.objects.get(user=user)
    PlaybackState.objects.filter(pk=state.pk).update(reported_at=state.reported_at - dt.timedelta(seconds=seconds))
    cache.clear()


def test_nothing_played_yet_is_204(api):
    assert _state(api).status_code == 204


def test_play_starts_a_context_on_a_device(api, tracks):
    state = _play(api, tracks, offset={"position": 1})

    assert state["device"] == {"id": LAPTOP, "name": "Chrome on Linux", "type": "computer"}
    assert state["is_playing"] is True
    assert state["item"]["id"] == tracks[1]
    assert state["item"]["title"] == "Tide 2"
    assert state["next_item"]["id"] == tracks[2]
    assert state["context"] == {"uri": "/albums/1/", "index": 1, "length": 4}
    assert state["position_ms"] == 0


def test_the_position_is_extrapolated_while_playing_and_held_while_paused(api, listener, tracks):
    _play(api, tracks, position_ms=10_000)
    _age(listener, seconds=5)

    playing = _state(api).json()
    assert 15_000 <= playing["progress_ms"] < 16_000
    assert playing["position_ms"] == 10_000

    paused = _put(api, "pause/").json()
    _age(listener, seconds=30)
    assert paused["is_playing"] is False
    assert 15_000 <= _state(api).json()["progress_ms"] == paused["position_ms"] < 16_000


def test_progress_never_passes_the_end_of_the_track():
    snapshot = {
        "position_ms": 190_000,
        "reported_at": "2026-01-01T00:00:00+00:00",
        "is_playing": True,
        "item": {"duration_ms": 200_000},
    }
    assert progress_ms(snapshot, now=dt.datetime(2026, 1, 1, 0, 0, 5, tzinfo=dt.UTC)) == 195_000
    assert progress_ms(snapshot, now=dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.UTC)) == 200_000


def test_an_unchanged_state_is_a_304_by_version_or_etag(api, tracks):
    version = _play(api, tracks)["version"]

    by_version = _state(api, version=version)
    by_etag = api.get("/api/v1/me/player/", HTTP_IF_NONE_MATCH=f'"v{version}"')
    assert (by_version.status_code, by_etag.status_code) == (304, 304)
    assert by_version["ETag"] == f'"v{version}"'

    _put(api, "pause/")
    changed = _state(api, version=version)
    assert changed.status_code == 200
    assert changed.json()["version"] == version + 1
    assert changed.json()["is_playing"] is False


def test_every_change_bumps_the_version_once(api, tracks):
    versions = [_play(api, tracks)["version"]]
    versions.append(_put(api, "seek/", {"position_ms": 5000}).json()["version"])
    versions.append(_put(api, "shuffle/", {"state": True}).json()["version"])
    versions.append(_put(api, "repeat/", {"state": "context"}).json()["version"])
    versions.append(_put(api, "volume/", {"volume_percent": 40}).json()["version"])
    versions.append(api.post("/api/v1/me/player/next/").json()["version"])

    assert versions == list(range(versions[0], versions[0] + 6))


def test_transfer_moves_playback_at_the_same_position(api, listener, tracks):
    _play(api, tracks, position_ms=30_000)
    _age(listener, seconds=2)

    moved = _put(api, "", {"device_ids": [PHONE], "play": True}).json()

    assert moved["device"]["id"] == PHONE
    assert moved["is_playing"] is True
    assert 32_000 <= moved["position_ms"] < 33_000
    # The laptop learns it lost playback: its reports are refused and it stops.
    refused = _put(api, "state/", {"device_id": LAPTOP, "position_ms": 40_000, "is_playing": True})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "device_not_active"
    devices = {d["id"]: d for d in api.get("/api/v1/me/player/devices/").json()["devices"]}
    assert devices[PHONE]["is_active"] is True
    assert devices[LAPTOP]["is_active"] is False
    assert devices[LAPTOP]["is_online"] is True


def test_transfer_without_play_keeps_it_paused(api, tracks):
    _play(api, tracks)
    _put(api, "pause/")

    moved = _put(api, "", {"device_ids": [PHONE]}).json()

    assert (moved["device"]["id"], moved["is_playing"]) == (PHONE, False)


def test_the_active_device_reports_its_position(api, tracks):
    version = _play(api, tracks)["version"]

    reported = _put(api, "state/", {"device_id": LAPTOP, "position_ms": 61_000, "is_playing": True, "version": version})

    assert reported.status_code == 200
    assert reported.json()["position_ms"] == 61_000
    assert reported.json()["version"] == version + 1


def test_a_report_against_an_older_version_cannot_undo_a_pause(api, tracks):
    version = _play(api, tracks)["version"]
    _put(api, "pause/")  # from the phone, say

    stale = _put(api, "state/", {"device_id": LAPTOP, "position_ms": 5_000, "is_playing": True, "version": version})

    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "version_conflict"
    assert _state(api).json()["is_playing"] is False


def test_queued_tracks_play_before_the_context_goes_on(api, tracks):
    extra = TrackFactory(album=AlbumFactory(status=Album.Status.PUBLISHED), title="Guest")
    _play(api, tracks)
    api.post("/api/v1/me/player/queue/", {"track": tracks[3]}, format="json")
    added = api.post("/api/v1/me/player/queue/", {"track": extra.pk, "position": "next"}, format="json")
    assert added.json()["next_item"]["id"] == extra.pk

    queue = api.get("/api/v1/me/player/queue/").json()
    assert [t["id"] for t in queue["queue"]] == [extra.pk, tracks[3]]
    assert [t["id"] for t in queue["next_in_context"]] == tracks[1:]

    played = [api.post("/api/v1/me/player/next/").json()["item"]["id"] for _ in range(3)]
    assert played == [extra.pk, tracks[3], tracks[1]]


def test_the_queue_can_be_reordered_trimmed_and_emptied(api, tracks):
    _play(api, tracks)
    for track in tracks[1:]:
        api.post("/api/v1/me/player/queue/", {"track": track}, format="json")

    reordered = api.put("/api/v1/me/player/queue/", {"tracks": [tracks[3], tracks[1]]}, format="json")
    assert reordered.status_code == 200
    assert [t["id"] for t in api.get("/api/v1/me/player/queue/").json()["queue"]] == [tracks[3], tracks[1]]

    assert api.delete("/api/v1/me/player/queue/").json()["queue_length"] == 0


def test_next_stops_at_the_end_unless_repeating(api, tracks):
    _play(api, tracks, offset={"track": tracks[3]})

    stopped = api.post("/api/v1/me/player/next/").json()
    assert (stopped["is_playing"], stopped["item"]["id"]) == (False, tracks[3])

    _put(api, "repeat/", {"state": "context"})
    _put(api, "play/")
    assert api.post("/api/v1/me/player/next/").json()["item"]["id"] == tracks[0]


def test_previous_restarts_the_track_after_three_seconds_else_goes_back(api, listener, tracks):
    _play(api, tracks, offset={"position": 2}, position_ms=10_000)
    restarted = api.post("/api/v1/me/player/previous/").json()
    assert (restarted["item"]["id"], restarted["position_ms"]) == (tracks[2], 0)

    back = api.post("/api/v1/me/player/previous/").json()
    assert (back["item"]["id"], back["position_ms"]) == (tracks[1], 0)


def test_shuffle_keeps_the_current_track_and_plays_each_once(api, tracks):
    _play(api, tracks, offset={"position": 2})

    shuffled = _put(api, "shuffle/", {"state": True}).json()
    assert shuffled["shuffle_state"] is True
    assert shuffled["item"]["id"] == tracks[2]
    following = [api.post("/api/v1/me/player/next/").json()["item"]["id"] for _ in range(3)]
    assert sorted([tracks[2], *following]) == sorted(tracks)

    unshuffled = _put(api, "shuffle/", {"state": False}).json()
    assert unshuffled["context"]["index"] == tracks.index(unshuffled["item"]["id"])


def test_tracks_the_listener_cannot_see_are_404(api, tracks):
    draft = TrackFactory(album=AlbumFactory(status=Album.Status.DRAFT), title="Unreleased")

    for response in (
        _put(api, "play/", {"device_id": LAPTOP, "tracks": [tracks[0], draft.pk]}),
        api.post("/api/v1/me/player/queue/", {"track": draft.pk}, format="json"),
        api.put("/api/v1/me/player/queue/", {"tracks": [draft.pk]}, format="json"),
        api.post("/api/v1/me/player/queue/", {"track": 999_999}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert _state(api).status_code in {200, 204}
    assert not PlaybackState.objects.filter(track=draft).exists()


def test_another_listeners_devices_and_state_are_not_yours(api, tracks):
    _play(api, tracks)
    other = APIClient()
    other.force_authenticate(UserFactory(username="other"))

    transfer = other.put("/api/v1/me/player/", {"device_ids": [LAPTOP], "play": True}, format="json")
    assert transfer.status_code == 404
    assert transfer.json()["error"]["code"] == "device_not_found"
    assert other.get("/api/v1/me/player/").status_code == 204
    assert other.get("/api/v1/me/player/devices/").json() == {"devices": []}
    assert other.put("/api/v1/me/player/pause/").json()["error"]["code"] == "no_active_device"


def test_the_player_needs_a_listener(client):
    response = client.get("/api/v1/me/player/")
    assert response.status_code in {401, 403}
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("put", "", {"device_ids": []}, "device_ids"),
        ("put", "", {"device_ids": ["short"]}, "device_ids"),
        ("put", "play/", {"tracks": "1,2"}, "tracks"),
        ("put", "play/", {"tracks": [1], "offset": {"position": 0, "track": 1}}, "offset"),
        ("put", "play/", {"offset": {"position": 1}}, "offset"),
        ("put", "play/", {"position_ms": -1}, "position_ms"),
        ("put", "seek/", {}, "position_ms"),
        ("put", "seek/", {"position_ms": "soon"}, "position_ms"),
        ("put", "shuffle/", {"state": "maybe"}, "state"),
        ("put", "repeat/", {"state": "forever"}, "state"),
        ("put", "volume/", {"volume_percent": 101}, "volume_percent"),
        ("put", "state/", {"device_id": LAPTOP, "position_ms": 1}, "is_playing"),
        ("post", "queue/", {"track": "x"}, "track"),
        ("post", "queue/", {"track": 1, "position": "later"}, "position"),
        ("post", "devices/", {"id": "../../etc", "name": "x"}, "id"),
        ("post", "devices/", {"id": LAPTOP, "name": "x", "type": "toaster"}, "type"),
    ],
)
def test_bad_input_is_a_400_in_the_error_shape(api, method, path, body, field):
    response = getattr(api, method)(f"/api/v1/me/player/{path}", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["details"]


def test_an_offset_outside_the_tracks_is_a_400(api, tracks):
    response = _put(api, "play/", {"device_id": LAPTOP, "tracks": tracks, "offset": {"position": 9}})

    assert response.status_code == 400
    assert "offset" in response.json()["error"]["details"]


BEYOND_64_BITS = 2**63  # the first id no row can have: SQLite cannot even be asked about it
TOO_BIG = ["Ensure this value is less than or equal to 9223372036854775807."]


@pytest.mark.parametrize(
    ("method", "path", "body", "details"),
    [
        ("put", "play/", {"device_id": LAPTOP, "tracks": [BEYOND_64_BITS]}, {"tracks": {"0": TOO_BIG}}),
        ("put", "play/", {"device_id": LAPTOP, "offset": {"track": BEYOND_64_BITS}}, {"offset": {"track": TOO_BIG}}),
        ("post", "queue/", {"track": BEYOND_64_BITS}, {"track": TOO_BIG}),
        ("put", "queue/", {"tracks": [BEYOND_64_BITS]}, {"tracks": {"0": TOO_BIG}}),
    ],
)
def test_an_id_beyond_64_bits_is_a_400_and_changes_nothing(api, tracks, method, path, body, details):
    before = _play(api, tracks)
    if "offset" in body:
        body = {**body, "tracks": tracks}

    response = getattr(api, method)(f"/api/v1/me/player/{path}", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    after = _state(api).json()
    assert (after["version"], after["item"]["id"], after["queue_length"]) == (before["version"], tracks[0], 0)


def test_resuming_with_nothing_to_resume_is_a_409(api):
    response = _put(api, "play/", {"device_id": LAPTOP})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_play"


def test_devices_are_listed_last_seen_first_and_renamed_in_place(api):
    api.post("/api/v1/me/player/devices/", {"id": LAPTOP, "name": "Work laptop"}, format="json")

    devices = api.get("/api/v1/me/player/devices/").json()["devices"]

    assert [(d["id"], d["name"]) for d in devices] == [(LAPTOP, "Work laptop"), (PHONE, "Firefox on Android")]
    assert Device.objects.count() == 2


def test_reading_the_state_costs_the_same_however_long_the_queue(api, album, tracks, django_assert_num_queries):
    _play(api, tracks)
    version = _state(api).json()["version"]
    with django_assert_num_queries(1):  # the session's user; the state itself comes from the cache
        assert _state(api, version=version).status_code == 304
    with django_assert_num_queries(1):
        assert _state(api).status_code == 200

    many = [TrackFactory(album=album, title=f"More {i}").pk for i in range(40)]
    for track in many:
        api.post("/api/v1/me/player/queue/", {"track": track}, format="json")
    with django_assert_num_queries(1):
        assert _state(api).json()["queue_length"] == 40


def test_a_cold_cache_is_rebuilt_in_a_constant_number_of_queries(api, tracks, django_assert_num_queries):
    _play(api, tracks)
    cache.clear()
    with django_assert_num_queries(4):  # session, user, the state with its device, the two tracks shown
        assert _state(api).json()["item"]["id"] == tracks[0]


def test_an_older_snapshot_never_replaces_a_newer_one():
    from streaming.playback import snapshot_key, snapshot_store

    key = snapshot_key(4242)
    snapshot_store(4242, {"version": 6, "is_playing": False})
    snapshot_store(4242, {"version": 5, "is_playing": True})  # a late writer
    assert cache.get(key)["version"] == 6


@pytest.mark.services
def test_a_newer_snapshot_written_between_an_older_writers_read_and_write_wins(monkeypatch):
    """Two changes committed at once: the older writer reads, the newer one writes, then the older one would."""
    from django.core.cache import caches

    from streaming.playback import snapshot_key, snapshot_store

    key = snapshot_key(4343)
    cache.set(key, {"version": 4, "is_playing": True})
    client = caches["default"].client
    decode = client.decode
    calls = []

    def decode_then_race(raw):
        value = decode(raw)
        if not calls:  # the older writer has read version 4; the newer one commits now
            calls.append(value["version"])
            cache.set(key, {"version": 6, "is_playing": False})
        return value

    monkeypatch.setattr(client, "decode", decode_then_race)
    snapshot_store(4343, {"version": 5, "is_playing": True})
    monkeypatch.undo()

    assert calls == [4]
    assert cache.get(key) == {"version": 6, "is_playing": False}  # the pause stays shown
