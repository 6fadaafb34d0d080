"""A listener's devices: the gone leave the list and let go of playback; names tell them apart; renames; cleanup."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import Album
from streaming import tasks
from streaming.models import Device, PlaybackState
from streaming.selectors import DEVICE_ONLINE_SECONDS
from streaming.services.player import DEVICE_FORGOTTEN_DAYS, devices_sweep
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory

# Transactional: the state reaches the cache when its change commits, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = "laptop-000000001"
DESKTOP = "desktop-00000001"
PHONE = "phone-0000000001"
DEVICES = "/api/v1/me/player/devices/"


@pytest.fixture
def listener():
    return UserFactory(username="listener")


@pytest.fixture
def api(listener) -> APIClient:
    client = APIClient()
    client.force_login(listener)
    return client


@pytest.fixture
def tracks() -> list[int]:
    album = AlbumFactory(status=Album.Status.PUBLISHED)
    return [TrackFactory(album=album, track_number=n, duration_ms=200_000).pk for n in (1, 2)]


def _register(api, device_id, name="Chrome on Linux"):
    response = api.post(DEVICES, {"id": device_id, "name": name}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def _gone(device_id, *, seconds=DEVICE_ONLINE_SECONDS + 30):
    """The device last asked for the state ``seconds`` ago (its tab closed then)."""
    Device.objects.filter(device_id=device_id).update(last_seen=timezone.now() - dt.timedelta(seconds=seconds))
    cache.delete_many([f"player:seen:{d.user_id}:{d.device_id}" for d in Device.objects.all()])


def _listed(api):
    return [(d["id"], d["name"], d["is_active"]) for d in api.get(DEVICES).json()["devices"]]


def test_a_device_gone_for_a_few_minutes_leaves_the_list(api):
    _register(api, LAPTOP)
    _register(api, PHONE, "Firefox on Android")
    _gone(LAPTOP)

    assert _listed(api) == [(PHONE, "Firefox on Android", False)]
    assert Device.objects.filter(device_id=LAPTOP).exists()  # kept, for when it comes back


def test_playback_left_on_a_gone_device_is_paused_where_it_was_and_offered_to_nobody(api, listener, tracks):
    _register(api, LAPTOP)
    played = api.put("/api/v1/me/player/play/", {"device_id": LAPTOP, "tracks": tracks}, format="json").json()
    api.put(
        "/api/v1/me/player/state/",
        {"device_id": LAPTOP, "position_ms": 42_000, "is_playing": True, "version": played["version"]},
        format="json",
    )
    _gone(LAPTOP)

    # A new session: the browser joins the listener's devices, then reads the state.
    _register(api, PHONE, "Firefox on Android")
    state = api.get("/api/v1/me/player/", {"device_id": PHONE}).json()

    assert state["device"] is None  # no "Listening on …" for a browser nobody hears
    assert state["is_playing"] is False
    assert state["item"]["id"] == tracks[0]
    assert state["position_ms"] == 42_000
    assert state["progress_ms"] == 42_000
    # Play here goes on from there.
    resumed = api.put("/api/v1/me/player/", {"device_ids": [PHONE], "play": True}, format="json").json()
    assert (resumed["device"]["id"], resumed["is_playing"]) == (PHONE, True)
    assert 42_000 <= resumed["position_ms"] < 43_000


def test_a_device_still_polling_learns_that_the_playing_one_has_gone(api, listener, tracks):
    _register(api, LAPTOP)
    _register(api, PHONE, "Firefox on Android")
    version = api.put("/api/v1/me/player/play/", {"device_id": LAPTOP, "tracks": tracks}, format="json").json()[
        "version"
    ]
    assert api.get("/api/v1/me/player/", {"device_id": PHONE, "version": version}).status_code == 304
    _gone(LAPTOP)
    Device.objects.filter(device_id=PHONE).update(last_seen=timezone.now())

    answer = api.get("/api/v1/me/player/", {"device_id": PHONE, "version": version})

    assert answer.status_code == 200
    assert (answer.json()["device"], answer.json()["is_playing"]) == (None, False)


def test_devices_with_the_same_default_name_are_told_apart(api):
    assert _register(api, LAPTOP)["name"] == "Chrome on Linux"
    assert _register(api, DESKTOP)["name"] == "Chrome on Linux 2"
    assert _register(api, PHONE)["name"] == "Chrome on Linux 3"
    # Seen again, each keeps its own, even once the first has gone.
    assert _register(api, DESKTOP)["name"] == "Chrome on Linux 2"
    _gone(LAPTOP)
    assert _register(api, DESKTOP)["name"] == "Chrome on Linux 2"
    # The name of a device that has gone is free again, and it takes a new one if it comes back to find it taken.
    _gone(PHONE)
    assert _register(api, "newtab-000000001")["name"] == "Chrome on Linux"
    assert _register(api, LAPTOP)["name"] == "Chrome on Linux 3"


def test_the_listener_renames_a_device_and_its_default_no_longer_replaces_the_name(api, listener, tracks):
    _register(api, LAPTOP)
    _register(api, PHONE, "Firefox on Android")
    before = api.put("/api/v1/me/player/play/", {"device_id": LAPTOP, "tracks": tracks}, format="json").json()

    renamed = api.patch(f"{DEVICES}{LAPTOP}/", {"name": "  Kitchen laptop "}, format="json")

    assert renamed.status_code == 200
    assert renamed.json() == {"id": LAPTOP, "name": "Kitchen laptop", "type": "computer"}
    _register(api, LAPTOP)  # the next page load says "Chrome on Linux" again
    assert (LAPTOP, "Kitchen laptop", True) in _listed(api)
    # Every device showing "Listening on …" learns the new name.
    state = api.get("/api/v1/me/player/", {"version": before["version"]})
    assert state.status_code == 200
    assert state.json()["device"]["name"] == "Kitchen laptop"


def test_renaming_refuses_a_blank_name_and_anothers_device(api):
    _register(api, LAPTOP)
    other = APIClient()
    other.force_login(UserFactory())

    blank = api.patch(f"{DEVICES}{LAPTOP}/", {"name": "   "}, format="json")
    theirs = other.patch(f"{DEVICES}{LAPTOP}/", {"name": "Mine now"}, format="json")

    assert blank.status_code == 400
    assert blank.json()["error"]["details"]["name"]
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "device_not_found"
    assert Device.objects.get(device_id=LAPTOP).name == "Chrome on Linux"


def test_the_sweep_lets_go_of_gone_devices_and_deletes_those_gone_for_a_month(listener, tracks):
    now = timezone.now()
    long_gone = Device.objects.create(
        user=listener,
        device_id="old-browser-1",
        name="Old",
        last_seen=now - dt.timedelta(days=DEVICE_FORGOTTEN_DAYS + 1),
    )
    recently_gone = Device.objects.create(
        user=listener, device_id="tab-closed-1", name="Closed", last_seen=now - dt.timedelta(minutes=10)
    )
    here = Device.objects.create(user=listener, device_id="here-00000001", name="Here", last_seen=now)
    PlaybackState.objects.create(
        user=listener, device=recently_gone, track_id=tracks[0], is_playing=True, position_ms=5_000, reported_at=now
    )

    assert devices_sweep() == {"released": 1, "deleted": 1}
    # The periodic task, run again: nothing more to do.
    assert settings.CELERY_BEAT_SCHEDULE["devices-sweep"]["task"] == tasks.devices_sweep.name
    assert tasks.devices_sweep.apply().get() == {"released": 0, "deleted": 0}

    assert set(Device.objects.values_list("pk", flat=True)) == {recently_gone.pk, here.pk}
    assert not Device.objects.filter(pk=long_gone.pk).exists()
    state = PlaybackState.objects.get(user=listener)
    assert (state.device_id, state.is_playing, state.position_ms) == (None, False, 5_000)


def test_a_device_that_reports_without_polling_is_there(api, tracks):
    _register(api, LAPTOP)
    played = api.put("/api/v1/me/player/play/", {"device_id": LAPTOP, "tracks": tracks}, format="json").json()
    _gone(LAPTOP)

    report = {"device_id": LAPTOP, "position_ms": 9_000, "is_playing": True, "version": played["version"]}
    assert api.put("/api/v1/me/player/state/", report, format="json").status_code == 200

    assert _listed(api) == [(LAPTOP, "Chrome on Linux", True)]
