"""A stream grant reads cached tokens and track info, and a change is seen by the very next grant."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.services import oauth_application_revoke, profile_plan_set, user_tokens_revoke
from catalog.services.albums import album_unpublish
from catalog.services.tracks import track_update
from core.hotcache import hot_get, hot_set
from tests.accounts.factories import PASSWORD, UserFactory
from tests.spotifyclone.test_scopes import third_party_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded_edge(settings):
    settings.EDGE_URLS = {}


def _bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def premium():
    user = UserFactory()
    profile_plan_set(profile=user.profile, plan="premium")
    return user


@pytest.fixture
def signed_in(premium) -> APIClient:
    """A first-party token whose grant has been cached by one grant already."""
    token = APIClient().post("/api/v1/auth/token/", {"username": premium.username, "password": PASSWORD}).json()
    return _bearer(token["access_token"])


def _grant(api: APIClient, track) -> object:
    return api.get(f"/api/v1/tracks/{track.pk}/stream/")


def test_a_revoked_token_is_refused_by_the_next_grant(
    published_track, premium, signed_in, django_capture_on_commit_callbacks
):
    assert _grant(signed_in, published_track).status_code == 200  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        user_tokens_revoke(user=premium)
    assert _grant(signed_in, published_track).status_code == 401


def test_an_application_taken_back_loses_its_cached_token(published_track, premium, django_capture_on_commit_callbacks):
    raw = third_party_token(premium, "streaming")
    api = _bearer(raw)
    assert _grant(api, published_track).status_code == 200
    from oauth2_provider.models import AccessToken

    application_id = AccessToken.objects.get(user=premium).application_id
    with django_capture_on_commit_callbacks(execute=True):
        oauth_application_revoke(user=premium, application_id=application_id)
    assert _grant(api, published_track).status_code == 401


def test_a_new_plan_is_heard_at_the_next_grant(published_track, premium, signed_in, django_capture_on_commit_callbacks):
    assert _grant(signed_in, published_track).json()["bitrate"] == 320
    with django_capture_on_commit_callbacks(execute=True):
        profile_plan_set(profile=premium.profile, plan="free")
    assert _grant(signed_in, published_track).json()["bitrate"] == 160


def test_an_unpublished_album_stops_its_grants_at_once(
    published_track, owner, signed_in, django_capture_on_commit_callbacks
):
    assert _grant(signed_in, published_track).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        album_unpublish(album=published_track.album, by=owner)
    assert _grant(signed_in, published_track).status_code == 404


def test_a_track_marked_explicit_is_refused_to_who_turned_explicit_off(
    published_track, owner, premium, signed_in, django_capture_on_commit_callbacks
):
    premium.profile.explicit_content = False
    premium.profile.save()
    assert _grant(signed_in, published_track).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        track_update(track=published_track, by=owner, explicit=True)
    refused = _grant(signed_in, published_track)
    assert refused.status_code == 403
    assert "explicit" in refused.json()["error"]["message"]


@override_settings(HOT_CACHE_LOCAL_SECONDS=60)
def test_another_process_copy_is_a_copy_and_the_shared_cache_is_the_truth(monkeypatch):
    from core import hotcache

    hot_set("example", {"plan": "premium"}, 300)
    mine = hot_get("example")
    mine["plan"] = "free"  # a caller changing what it got changes no one else's
    assert hot_get("example") == {"plan": "premium"}
    cache.delete("example")  # forgotten by another process: this one keeps its copy a while
    assert hot_get("example") == {"plan": "premium"}
    later = hotcache._clock() + 61
    monkeypatch.setattr(hotcache, "_clock", lambda: later)
    assert hot_get("example") is None  # ...until it expires


@pytest.mark.services
def test_a_warm_grant_costs_a_redis_round_trip_at_most_and_no_query(
    published_track, signed_in, redis_round_trips, django_assert_num_queries
):
    assert _grant(signed_in, published_track).status_code == 200  # token and track cached
    redis_round_trips.clear()
    with django_assert_num_queries(0):
        assert _grant(signed_in, published_track).status_code == 200
    assert (
        len(redis_round_trips) <= 1
    )  # the throttle's count, at most (within 0.1 s of the last, it is counted in the process)


def test_the_grant_body_is_what_its_serializer_describes(published_track, premium):
    from streaming.api.serializers import StreamSerializer, stream_body
    from streaming.selectors import stream_grant

    grant = stream_grant(track_id=published_track.pk, user=premium, country="", local_base="http://testserver")
    assert stream_body(grant) == StreamSerializer(grant).data
    assert stream_body(grant)["expires_at"].endswith("Z")


def test_a_warm_grant_answers_as_the_api_does(published_track, premium):
    token = APIClient().post("/api/v1/auth/token/", {"username": premium.username, "password": PASSWORD}).json()
    api = _bearer(token["access_token"])
    drf = _grant(api, published_track)  # the token's first request: DRF's way, which caches the token
    warm = _grant(api, published_track)  # then the warm path
    assert (drf.status_code, warm.status_code) == (200, 200)
    assert warm.json().keys() == drf.json().keys()
    assert warm.json()["bitrate"] == drf.json()["bitrate"] == 320
    for header in ("Content-Type", "Cache-Control", "Allow", "Vary", "X-Frame-Options", "Content-Security-Policy"):
        assert warm.get(header) == drf.get(header), header


def test_the_warm_path_counts_toward_the_same_allowance_and_is_refused_in_the_api_shape(
    published_track, signed_in, monkeypatch
):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": "3/minute"})
    codes = [_grant(signed_in, published_track).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = _grant(signed_in, published_track)
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_a_cached_token_without_the_streaming_scope_is_still_refused(published_track, premium):
    api = _bearer(third_party_token(premium, "user-read-private"))
    assert api.get("/api/v1/me/").status_code == 200  # the token is cached now
    refused = _grant(api, published_track)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
