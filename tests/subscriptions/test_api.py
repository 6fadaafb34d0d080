"""GET /api/v1/me/subscription/ and POST /api/v1/me/subscription/trial/, and what the stream grant makes of them."""

import pytest
from rest_framework.test import APIClient

from accounts.services import access_token_issue
from subscriptions.models import Subscription
from subscriptions.providers import STAFF_GRANTS
from subscriptions.tasks import subscriptions_expire
from tests.spotifyclone.test_scopes import bearer, third_party_token
from tests.subscriptions.conftest import shift_back

pytestmark = pytest.mark.django_db

STATE = "/api/v1/me/subscription/"
TRIAL = "/api/v1/me/subscription/trial/"


@pytest.fixture
def api(listener) -> APIClient:
    return bearer(access_token_issue(user=listener).access_token)


def test_a_free_listener_sees_the_trial_is_theirs_to_start(api):
    body = api.get(STATE).json()

    assert body == {
        "plan": "free",
        "bitrate_cap": 160,
        "ends_at": None,
        "on_trial": False,
        "trial_available": True,
        "trial_days": 30,
        "history": [],
    }


def test_the_trial_starts_once_and_the_second_time_is_a_conflict(api, listener):
    started = api.post(TRIAL)

    assert started.status_code == 201
    trial = Subscription.objects.get(user=listener)
    body = started.json()
    assert {key: body[key] for key in ("plan", "bitrate_cap", "on_trial", "trial_available")} == {
        "plan": "premium",
        "bitrate_cap": 320,
        "on_trial": True,
        "trial_available": False,
    }
    assert body["ends_at"] == trial.ends_at.isoformat().replace("+00:00", "Z")
    assert [(p["provider"], p["ended_at"]) for p in body["history"]] == [("trial", None)]
    assert api.get(STATE).json() == body

    again = api.post(TRIAL)

    assert again.status_code == 409
    assert again.json() == {
        "error": {
            "status": 409,
            "code": "trial_used",
            "message": "You have already had your free trial of Premium.",
            "details": {},
        }
    }
    assert Subscription.objects.filter(user=listener).count() == 1


def test_a_listener_granted_premium_until_revoked_has_no_end_and_no_trial(api, listener):
    STAFF_GRANTS.start(user=listener, days=None)

    body = api.get(STATE).json()
    refused = api.post(TRIAL)

    assert (body["plan"], body["ends_at"], body["trial_available"]) == ("premium", None, False)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "already_premium")


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [("get", STATE, "user-read-private"), ("post", TRIAL, "user-modify-private")],
)
def test_each_endpoint_needs_its_scope(listener, method, path, scope):
    without = bearer(third_party_token(listener, "streaming"))
    refused = getattr(without, method)(path)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert refused.json()["error"]["details"] == {"scopes": [scope]}
    assert Subscription.objects.count() == 0

    allowed = getattr(bearer(third_party_token(listener, scope)), method)(path)
    assert allowed.status_code in {200, 201}


def test_a_stranger_is_asked_to_sign_in():
    assert APIClient().get(STATE).status_code == 401
    assert APIClient().post(TRIAL).status_code == 401


def test_the_schema_describes_both_with_their_scopes():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    assert {"oauth2": ["user-read-private"]} in paths[STATE]["get"]["security"]
    assert {"oauth2": ["user-modify-private"]} in paths[TRIAL]["post"]["security"]
    assert set(paths[TRIAL]["post"]["responses"]) == {"201", "409"}


def test_the_grant_offers_320_once_the_trial_starts_and_160_once_it_ends(
    published_track, api, listener, settings, django_capture_on_commit_callbacks
):
    settings.EDGE_URLS = {}
    stream = f"/api/v1/tracks/{published_track.pk}/stream/"
    assert api.get(stream).json()["bitrate"] == 160  # the token is cached now, with the free plan

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(TRIAL).status_code == 201
    assert api.get(stream).json()["bitrate"] == 320

    shift_back(Subscription.objects.get(user=listener), days=31)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions_expire.delay()
    assert api.get(stream).json()["bitrate"] == 160
