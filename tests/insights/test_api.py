"""GET /api/v1/artists/{id}/insights/ and /api/v1/tracks/{id}/insights/: members only, scope artist-read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from insights.models import RollupRun
from insights.services import insights_rollup
from tests.catalog.factories import TrackFactory
from tests.insights.conftest import play
from tests.spotifyclone.test_scopes import bearer, third_party_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_live_counters(monkeypatch):
    """The last 24 hours counted from the plays, whatever the mode: tests/insights/test_live.py reads the counters."""
    monkeypatch.setattr("insights.selectors.live_figures", lambda **kwargs: None)


@pytest.fixture
def played(studio):
    now = timezone.now()
    ana, ben, cy = studio["listeners"]
    play(ana, studio["tracks"]["north"], now)
    play(ben, studio["tracks"]["north"], now, source="playlist", country="DE")
    play(cy, studio["tracks"]["aurora"], now, ms=5_000, counted=False)
    play(cy, studio["tracks"]["dawn"], now - timedelta(days=3))
    insights_rollup()
    return studio


@pytest.fixture
def api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


def test_an_artists_insights_for_a_period(api, played):
    artist = played["artist"]

    response = api.get(f"/api/v1/artists/{artist.pk}/insights/", {"period": "7d"})

    assert response.status_code == 200
    body = response.json()
    assert body["artist"] == {"id": artist.pk, "name": "Aurora Skies"}
    assert body["period"] == "7d"
    # Listeners over the 7 days, each counted once: Ana and Ben today, Cy three days ago.
    assert (body["streams"], body["listeners"], body["skips"], body["saves"], body["playlist_adds"]) == (3, 3, 1, 0, 0)
    as_of = RollupRun.objects.get(name="days").started_at.isoformat().replace("+00:00", "Z")
    assert body["listeners_as_of"] == as_of
    assert body["skip_rate"] == 0.25
    assert body["countries"] == [{"country": "FR", "streams": 2}, {"country": "DE", "streams": 1}]
    assert body["sources"] == [{"source": "album", "streams": 2}, {"source": "playlist", "streams": 1}]
    assert len(body["series"]) == 7
    assert body["series"][-1]["streams"] == 2
    assert body["series"][-1]["listeners"] == 2
    assert body["totals"] == [
        {"period": "24h", "streams": 2, "listeners": 2, "listeners_as_of": None},
        {"period": "7d", "streams": 3, "listeners": 3, "listeners_as_of": as_of},
        {"period": "28d", "streams": 3, "listeners": 3, "listeners_as_of": as_of},
        {"period": "365d", "streams": 3, "listeners": 3, "listeners_as_of": as_of},
    ]
    north, dawn = played["tracks"]["north"], played["tracks"]["dawn"]
    assert body["top_tracks"] == [
        {"id": north.pk, "name": "Magnetic North", "streams": 2, "listeners": 2},
        {"id": dawn.pk, "name": "Dawn", "streams": 1, "listeners": 1},
    ]


def test_the_last_24_hours_by_hour(api, played):
    body = api.get(f"/api/v1/artists/{played['artist'].pk}/insights/", {"period": "24h"}).json()

    assert (body["period"], body["streams"], body["listeners"], body["live_counters"]) == ("24h", 2, 2, False)
    assert len(body["series"]) == 24
    assert body["series"][-1] == {"start": body["series"][-1]["start"], "streams": 2, "listeners": None}


def test_a_tracks_insights_with_its_skip_rate(api, played):
    aurora = played["tracks"]["aurora"]

    body = api.get(f"/api/v1/tracks/{aurora.pk}/insights/", {"period": "28d"}).json()

    assert body["track"] == {"id": aurora.pk, "name": "Aurora"}
    assert body["artist"]["name"] == "Aurora Skies"
    assert (body["streams"], body["skips"], body["skip_rate"]) == (0, 1, 1.0)
    assert "top_tracks" not in body


def test_a_stranger_gets_404_and_a_visitor_401(played, stranger):
    artist, track = played["artist"], played["tracks"]["north"]
    urls = [f"/api/v1/artists/{artist.pk}/insights/", f"/api/v1/tracks/{track.pk}/insights/"]
    for url in urls:
        assert APIClient().get(url).status_code == 401
        response = bearer(third_party_token(stranger, "artist-read")).get(url)
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404


def test_a_third_party_needs_artist_read(played, owner):
    url = f"/api/v1/artists/{played['artist'].pk}/insights/"

    refused = bearer(third_party_token(owner, "user-read-private")).get(url)
    allowed = bearer(third_party_token(owner, "artist-read")).get(url)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert allowed.status_code == 200


def test_an_unknown_period_is_refused(api, played):
    response = api.get(f"/api/v1/artists/{played['artist'].pk}/insights/", {"period": "2w"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "period" in response.json()["error"]["details"]


def test_the_endpoints_run_a_constant_number_of_queries(api, played, django_assert_max_num_queries):
    artist = played["artist"]
    for n in range(15):
        track = TrackFactory(album=played["new"], title=f"More {n}", track_number=3 + n)
        play(played["listeners"][n % 3], track, timezone.now() - timedelta(days=n))
    insights_rollup(now=timezone.now() + timedelta(minutes=10))

    for period in ("24h", "28d"):
        with django_assert_max_num_queries(8):
            assert api.get(f"/api/v1/artists/{artist.pk}/insights/", {"period": period}).status_code == 200
        with django_assert_max_num_queries(7):
            track = played["tracks"]["north"]
            assert api.get(f"/api/v1/tracks/{track.pk}/insights/", {"period": period}).status_code == 200


def test_both_endpoints_are_in_the_schema_with_their_scope(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    for path in ("/api/v1/artists/{id}/insights/", "/api/v1/tracks/{id}/insights/"):
        operation = schema["paths"][path]["get"]
        assert {"oauth2": ["artist-read"]} in operation["security"]
        assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["period"]
