"""The insights against the real play pipeline: reports into Redis, the live counters, the flush, the roll-up."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insights.models import ArtistDay, TrackDay
from insights.services import insights_rollup
from streaming import receipts
from streaming.models import Play
from streaming.services.plays import play_report_accept, plays_flush
from tests.accounts.factories import UserFactory
from tests.services import services

pytestmark = [pytest.mark.django_db, pytest.mark.services]

LISTENERS = 300
# HyperLogLog as Redis keeps it: a standard error of 0.81 %; three of them is far out already.
HLL_TOLERANCE = 0.03


def replay(studio, listeners):
    """Every listener plays Magnetic North to its end, one in three Aurora too, and one in ten skips Dawn.

    Each play sends the reports a player does (10 s, 40 s, then the end), through the accepting
    side: into the play log and the live counters, nothing to the database until the flush.
    """
    north, aurora, dawn = studio["tracks"]["north"], studio["tracks"]["aurora"], studio["tracks"]["dawn"]
    granted = receipts.clock_ms() - 10 * 60_000
    for n, user in enumerate(listeners):
        plays = [(north, "/albums/1/", [10_000, 40_000, 180_000])]
        if n % 3 == 0:
            plays.append((aurora, "/playlists/7/", [10_000, 40_000]))
        if n % 10 == 0:
            plays.append((dawn, "/search?q=dawn", [8_000]))
        for track, context, positions in plays:
            token = receipts.play_receipt_sign(
                user_id=user.pk, track_id=track.pk, now_ms=granted, country="FR" if n % 2 else "NO"
            )
            for ms in positions:
                play_report_accept(
                    user=user,
                    track_id=track.pk,
                    ms_played=ms,
                    ended=ms == 180_000,
                    play_token=token,
                    context=context,
                )


@pytest.fixture
def replayed(studio):
    listeners = UserFactory.create_batch(LISTENERS)
    replay(studio, listeners)
    return studio


def _artist_api(owner, artist, period):
    api = APIClient()
    api.force_authenticate(owner)
    return api.get(f"/api/v1/artists/{artist.pk}/insights/", {"period": period}).json()


def test_streams_show_live_before_the_database_has_them_and_match_its_rollup_after(client, owner, replayed):
    artist, north = replayed["artist"], replayed["tracks"]["north"]
    client.force_login(owner)

    live = _artist_api(owner, artist, "24h")
    assert Play.objects.count() == 0  # the accepting side wrote nothing to the database
    assert (live["live_counters"], live["streams"]) == (True, LISTENERS + LISTENERS // 3)
    assert abs(live["listeners"] - LISTENERS) <= LISTENERS * HLL_TOLERANCE
    assert {c["country"]: c["streams"] for c in live["countries"]} == {"FR": 200, "NO": 200}
    assert {s["source"]: s["streams"] for s in live["sources"]} == {"album": 300, "playlist": 100}

    assert plays_flush() == 3 * LISTENERS + 2 * (LISTENERS // 3) + LISTENERS // 10
    insights_rollup()

    assert Play.objects.filter(counted=True).count() == 400
    day = ArtistDay.objects.get(artist=artist)
    assert (day.streams, day.listeners, day.skips) == (400, LISTENERS, LISTENERS // 10)
    assert day.countries == {"FR": 200, "NO": 200}
    assert day.sources == {"album": 300, "playlist": 100}
    assert TrackDay.objects.get(track=north).streams == LISTENERS
    # The live figures and the roll-up agree.
    week = _artist_api(owner, artist, "7d")
    after = _artist_api(owner, artist, "24h")
    assert week["streams"] == after["streams"] == live["streams"] == 400
    assert week["series"][-1]["listeners"] == LISTENERS
    assert after["listeners"] == live["listeners"]
    track_page = client.get(reverse("insights:track", args=[replayed["tracks"]["dawn"].pk]), {"period": "7d"})
    assert track_page.context["figures"].skip_percent == 100


def test_the_release_day_view_updates_as_reports_arrive(client, owner, studio):
    client.force_login(owner)
    url = reverse("insights:release_day", args=[studio["artist"].slug])

    before = client.get(url).context["releases"][0]
    replay(studio, UserFactory.create_batch(30))
    after = client.get(url).context["releases"][0]

    assert (before.streams, after.streams) == (0, 40)
    assert [(t.title, t.streams, t.listeners) for t in after.tracks] == [("Magnetic North", 30, 30), ("Aurora", 10, 10)]


@pytest.mark.faults
def test_the_figures_survive_a_redis_restart(client, owner, replayed):
    artist = replayed["artist"]
    plays_flush()
    insights_rollup()
    before = _artist_api(owner, artist, "24h")
    client.force_login(owner)

    assert services("stop", "redis").returncode == 0
    try:
        # The counters cannot be read: the last 24 hours are counted from the plays, the truth.
        down = _artist_api(owner, artist, "24h")
        week = _artist_api(owner, artist, "7d")
        page = client.get(reverse("insights:artist", args=[artist.slug]), {"period": "24h"})
    finally:
        assert services("start", "redis").returncode == 0

    assert (down["live_counters"], down["streams"], down["listeners"]) == (False, 400, LISTENERS)
    assert week["streams"] == 400
    assert page.status_code == 200
    back = _artist_api(owner, artist, "24h")
    assert (back["live_counters"], back["streams"], back["listeners"]) == (True, 400, before["listeners"])
