"""With Redis stopped, listeners still sign in, browse, search and start streams: the cache is only a shortcut."""

import pytest
from rest_framework.test import APIClient

from search.rebuild import search_rebuild
from tests.accounts.factories import PASSWORD, UserFactory
from tests.services import services

pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.django_db]


def test_pages_sign_in_search_and_stream_grants_work_without_redis(published_track, client):
    listener = UserFactory(username="ada", display_name="Ada Lovelace")
    client.force_login(listener)  # a session made while the cache was up
    search_rebuild()
    api = APIClient()

    try:
        stopped = services("stop", "redis")
        pages = {
            path: client.get(path)
            for path in ("/", "/search/?q=polar", f"/albums/{published_track.album_id}/", "/library/")
        }
        token = api.post("/api/v1/auth/token/", {"username": "ada", "password": PASSWORD}, format="json")
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json().get('access_token')}")
        grant = api.get(f"/api/v1/tracks/{published_track.pk}/stream/")
        found = api.get("/api/v1/search/", {"q": "polar", "type": "track"})
    finally:
        started = services("start", "redis")

    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Ada Lovelace" in pages["/"].content.decode()  # the session survived
    assert token.status_code == 200
    assert grant.status_code == 200
    assert grant.json()["url"].startswith("http")
    assert found.status_code == 200
    assert [t["title"] for t in found.json()["tracks"]["items"]] == ["Polar Night"]


@pytest.mark.django_db(transaction=True)  # the snapshot reaches the cache after commit: commit for real
def test_the_player_takes_commands_and_tells_the_devices_without_redis(published_track):
    listener = UserFactory(username="grace")
    api = APIClient()
    api.force_login(listener)
    laptop = "5b0c3a52-6d1e-4f4e-8d53-1b1c2d3e4f50"
    assert api.post("/api/v1/me/player/devices/", {"id": laptop, "name": "Laptop"}, format="json").status_code == 200

    try:
        stopped = services("stop", "redis")
        played = api.put(
            "/api/v1/me/player/play/", {"device_id": laptop, "tracks": [published_track.pk]}, format="json"
        )
        paused = api.put("/api/v1/me/player/pause/", {}, format="json")
        seen = api.get("/api/v1/me/player/")
    finally:
        started = services("start", "redis")

    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr
    assert (played.status_code, paused.status_code, seen.status_code) == (200, 200, 200)
    assert (seen.json()["item"]["id"], seen.json()["is_playing"]) == (published_track.pk, False)
