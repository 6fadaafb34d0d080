"""Ad breaks on the free plan: owed after enough music, enforced by the stream grant, ended only after the ads."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import profile_plan_set
from ads import ledger
from ads.models import AdBreak, AdLedger, Advertiser, Campaign, Impression
from ads.selectors import campaigns_eligible, campaigns_pick
from ads.services import ad_impressions_record
from catalog.models import Genre
from tests.accounts.factories import UserFactory
from tests.spotifyclone.test_scopes import third_party_token
from tests.streaming.factories import PlayFactory, TrackMediaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.EDGE_URLS = {}
    settings.ADS_TRACKS_BETWEEN_BREAKS = 2
    settings.ADS_MINUTES_BETWEEN_BREAKS = 15
    settings.ADS_PER_BREAK = 2
    settings.ADS_BREAK_MAX_SECONDS = 60


@pytest.fixture
def tracks():
    return [TrackMediaFactory(track__duration_ms=180_000).track for _ in range(4)]


def _campaign(**fields) -> Campaign:
    now = timezone.now()
    values = {
        "advertiser": Advertiser.objects.get_or_create(name="Oatly Works")[0],
        "name": "Spring",
        "title": "Oat milk, but louder",
        "text": "Try it this spring.",
        "click_url": "https://example.com/spring",
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=1),
        "status": Campaign.Status.READY,
        "media_folder": "ads/1/v1/",
        "duration_ms": 15_000,
        "bitrate": 96,
    }
    values.update(fields)
    genres = values.pop("genres", [])
    campaign = Campaign.objects.create(**values)
    campaign.genres.set(genres)
    return campaign


@pytest.fixture
def campaign() -> Campaign:
    return _campaign()


@pytest.fixture
def free():
    return UserFactory()


def _api(user, *scopes: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(user, *(scopes or ('streaming',)))}")
    return api


def _grant(api: APIClient, track):
    return api.get(f"/api/v1/tracks/{track.pk}/stream/")


def _age(ad_break_id: str, *, ms: int) -> None:
    """Move the break's start back by ``ms``, as if its ads had played that long."""
    ad_break = AdBreak.objects.get(pk=ad_break_id)
    AdBreak.objects.filter(pk=ad_break.pk).update(started_at=ad_break.started_at - dt.timedelta(milliseconds=ms))


def test_a_break_is_due_after_the_configured_tracks_and_grants_wait_for_it(free, tracks, campaign):
    api = _api(free)
    assert _grant(api, tracks[0]).status_code == 200
    assert _grant(api, tracks[1]).status_code == 200
    refused = _grant(api, tracks[2])
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ad_break_due"
    assert refused.json()["error"]["details"]["ad_breaks_url"] == "/api/v1/me/ad-breaks/"
    # The track already playing may be asked for again (a seek after its URL expired).
    assert _grant(api, tracks[1]).status_code == 200
    assert _grant(api, tracks[3]).status_code == 409


def test_asking_again_for_the_same_track_does_not_count(free, tracks, campaign):
    api = _api(free)
    for _ in range(5):
        assert _grant(api, tracks[0]).status_code == 200
    assert _grant(api, tracks[1]).status_code == 200
    assert _grant(api, tracks[2]).status_code == 409


def test_minutes_of_music_bring_the_break_before_the_tracks(settings, free, campaign):
    settings.ADS_TRACKS_BETWEEN_BREAKS = 10
    settings.ADS_MINUTES_BETWEEN_BREAKS = 5
    long_ones = [TrackMediaFactory(track__duration_ms=4 * 60_000).track for _ in range(3)]
    api = _api(free)
    assert _grant(api, long_ones[0]).status_code == 200  # 4 minutes
    assert _grant(api, long_ones[1]).status_code == 200  # 8: past 5
    assert _grant(api, long_ones[2]).json()["error"]["code"] == "ad_break_due"


def test_the_break_plays_its_ads_and_only_then_do_grants_resume(free, tracks, campaign):
    api = _api(free)
    _grant(api, tracks[0]), _grant(api, tracks[1])
    started = api.post("/api/v1/me/ad-breaks/")
    assert started.status_code == 201
    body = started.json()
    [ad] = body["ads"]
    assert ad["id"] == campaign.pk
    assert ad["title"] == "Oat milk, but louder"
    assert ad["duration_ms"] == 15_000
    assert "/s/" in ad["url"]
    assert "/ads/1/v1/aac_96.m4a" in ad["url"]
    assert ad["hls_url"].endswith("/ads/1/v1/hls/master_96.m3u8")
    assert ad["text"] == "Try it this spring."
    assert "/ads/click/" in ad["click_url"]
    assert body["duration_ms"] == 15_000
    # Asked again while open: the same break.
    again = api.post("/api/v1/me/ad-breaks/")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert _grant(api, tracks[2]).status_code == 409

    early = api.post(f"/api/v1/me/ad-breaks/{body['id']}/complete/")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "ad_break_too_short"
    assert 0 < early.json()["error"]["details"]["remaining_ms"] <= 15_000
    assert _grant(api, tracks[2]).status_code == 409

    _age(body["id"], ms=15_000)
    assert api.post(f"/api/v1/me/ad-breaks/{body['id']}/complete/").status_code == 204
    assert api.post(f"/api/v1/me/ad-breaks/{body['id']}/complete/").status_code == 204  # twice, the same
    assert _grant(api, tracks[2]).status_code == 200
    assert _grant(api, tracks[3]).status_code == 200
    assert _grant(api, tracks[0]).status_code == 409  # the next break, two tracks later


def test_no_break_is_due_before_enough_music_or_on_premium(free, tracks, campaign):
    api = _api(free)
    _grant(api, tracks[0])
    refused = api.post("/api/v1/me/ad-breaks/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "no_ad_break_due"

    premium = UserFactory()
    profile_plan_set(profile=premium.profile, plan="premium")
    api = _api(premium)
    for track in [*tracks, *tracks]:
        assert _grant(api, track).status_code == 200
    assert api.post("/api/v1/me/ad-breaks/").json()["error"]["code"] == "no_ad_break_due"
    assert not AdLedger.objects.filter(user=premium).exists()


def test_with_no_ad_to_hear_the_music_goes_on(free, tracks):
    api = _api(free)
    for track in [*tracks, *tracks]:
        assert _grant(api, track).status_code == 200


def test_another_listeners_break_cannot_be_completed(free, tracks, campaign):
    api = _api(free)
    _grant(api, tracks[0]), _grant(api, tracks[1])
    break_id = api.post("/api/v1/me/ad-breaks/").json()["id"]
    _age(break_id, ms=60_000)
    assert _api(UserFactory()).post(f"/api/v1/me/ad-breaks/{break_id}/complete/").status_code == 404
    assert _grant(api, tracks[2]).status_code == 409


def test_the_break_needs_the_streaming_scope(free, tracks, campaign):
    refused = _api(free, "user-read-private").post("/api/v1/me/ad-breaks/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"


def test_the_website_stream_redirect_waits_for_the_break_too(client, free, tracks, campaign):
    client.force_login(free)
    assert client.get(f"/stream/{tracks[0].pk}/").status_code == 302
    assert client.get(f"/stream/{tracks[1].pk}/").status_code == 302
    refused = client.get(f"/stream/{tracks[2].pk}/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ad_break_due"


def test_impressions_are_recorded_once_started_completed_and_clicked(
    client, free, tracks, campaign, django_capture_on_commit_callbacks
):
    api = _api(free)
    _grant(api, tracks[0]), _grant(api, tracks[1])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        body = api.post("/api/v1/me/ad-breaks/").json()
    assert not Impression.objects.exists()  # recorded by a task, after the answer
    for callback in queued:
        callback()
    [impression] = Impression.objects.all()
    assert impression.campaign == campaign
    assert impression.completed_at is None
    _age(body["id"], ms=15_000)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/me/ad-breaks/{body['id']}/complete/")
    with django_capture_on_commit_callbacks(execute=True):
        clicked = client.get(body["ads"][0]["click_url"])
    assert clicked.status_code == 302
    assert clicked["Location"] == "https://example.com/spring"
    impression.refresh_from_db()
    assert impression.completed_at is not None
    assert impression.clicked_at is not None
    # Run again, as a redelivered task would: nothing changes.
    for event in ("start", "complete", "click"):
        ad_impressions_record(break_id=body["id"], event=event, campaign_id=campaign.pk)
    assert Impression.objects.count() == 1
    assert client.get("/ads/click/not-a-token/").status_code == 404


def test_expired_over_budget_capped_and_unready_campaigns_are_never_served(free):
    now = timezone.now()
    _campaign(name="ended", ends_at=now - dt.timedelta(minutes=1), starts_at=now - dt.timedelta(days=2))
    _campaign(name="not yet", starts_at=now + dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=2))
    _campaign(name="processing", status=Campaign.Status.PROCESSING)
    spent = _campaign(name="spent", impression_budget=1)
    capped = _campaign(name="capped", frequency_cap=1)
    good = _campaign(name="good")
    other = UserFactory()
    spent_break = AdBreak.objects.create(user=other, campaigns=[spent.pk], started_at=now, completed_at=now)
    ad_impressions_record(break_id=str(spent_break.pk), event="start")
    capped_break = AdBreak.objects.create(user=free, campaigns=[capped.pk], started_at=now, completed_at=now)
    ad_impressions_record(break_id=str(capped_break.pk), event="start")
    assert campaigns_eligible(user=free, country="SE", now=now) == [good]
    # The cap is per listener and per day: another listener may still hear the capped one.
    assert {c.name for c in campaigns_eligible(user=other, country="SE", now=now)} == {"capped", "good"}


def test_campaigns_aim_at_countries_and_at_the_genres_a_listener_plays(free, tracks):
    now = timezone.now()
    jazz, metal = Genre.objects.create(name="Jazz", slug="jazz"), Genre.objects.create(name="Metal", slug="metal")
    tracks[0].genres.add(jazz)
    PlayFactory(user=free, track=tracks[0])
    _campaign(name="nordics", countries=["SE", "NO"])
    _campaign(name="jazz fans", genres=[jazz])
    _campaign(name="metal fans", genres=[metal])
    assert {c.name for c in campaigns_eligible(user=free, country="SE", now=now)} == {"nordics", "jazz fans"}
    assert {c.name for c in campaigns_eligible(user=free, country="DE", now=now)} == {"jazz fans"}
    assert {c.name for c in campaigns_eligible(user=UserFactory(), country="DE", now=now)} == set()


def test_ads_are_drawn_by_weight_without_repeats_within_the_break(settings):
    heavy, light = _campaign(name="heavy", weight=9), _campaign(name="light", weight=1)
    long_one = _campaign(name="long", duration_ms=55_000, weight=1)
    rng = random.Random(7)
    firsts = [campaigns_pick([heavy, light], rng=rng)[0].name for _ in range(400)]
    assert 300 < firsts.count("heavy") < 400
    for _ in range(50):
        picked = campaigns_pick([heavy, light, long_one], rng=rng)
        assert len({c.pk for c in picked}) == len(picked) <= 2
        assert sum(c.duration_ms for c in picked) <= 60_000 or len(picked) == 1


def test_the_count_survives_in_the_database_when_redis_fails(monkeypatch, free, tracks, campaign):
    from redis.exceptions import ConnectionError as RedisConnectionError

    class Broken:
        connection_pool = None

    def fail(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr(ledger, "redis_client", lambda: Broken())
    monkeypatch.setattr(ledger, "script_run", fail)
    api = _api(free)
    assert _grant(api, tracks[0]).status_code == 200
    assert _grant(api, tracks[1]).status_code == 200
    assert _grant(api, tracks[2]).json()["error"]["code"] == "ad_break_due"
    row = AdLedger.objects.get(user=free)
    assert (row.tracks, row.ms, row.last_track_id) == (2, 360_000, tracks[1].pk)


@pytest.mark.services
def test_a_free_grant_costs_one_redis_round_trip_for_ads_and_a_premium_one_none(
    tracks, campaign, redis_round_trips, django_assert_num_queries
):
    premium = UserFactory()
    profile_plan_set(profile=premium.profile, plan="premium")
    for user, ledger_trips in ((premium, 0), (UserFactory(), 1)):
        api = _api(user)
        _grant(api, tracks[0]), _grant(api, tracks[0])  # the token, the track and the campaigns' schedule cached
        redis_round_trips.clear()
        with django_assert_num_queries(0):
            assert _grant(api, tracks[0]).status_code == 200
        packed = [b"".join(sent) if isinstance(sent, list) else sent for sent in redis_round_trips]
        assert len([sent for sent in packed if b"ads:ledger" in sent]) == ledger_trips


def test_the_schema_documents_the_breaks_and_the_refused_grant(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    start = paths["/api/v1/me/ad-breaks/"]["post"]
    assert {"201", "200", "409"} <= set(start["responses"])
    assert set(start["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1:]) == {
        "AdBreak"
    }
    complete = paths["/api/v1/me/ad-breaks/{id}/complete/"]["post"]
    assert {"204", "404", "409"} <= set(complete["responses"])
    assert "ad_break_too_short" in complete["responses"]["409"]["description"]
    assert "ad_break_due" in paths["/api/v1/tracks/{id}/stream/"]["get"]["responses"]["409"]["description"]
    assert all("streaming" in str(operation.get("security")) for operation in (start, complete))
