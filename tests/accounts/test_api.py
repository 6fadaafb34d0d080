import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _token(api: APIClient, username: str, password: str = PASSWORD):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


@pytest.mark.django_db
def test_token_works_as_bearer_on_me(api):
    UserFactory(username="ada", email="ada@example.com")

    response = _token(api, "ada")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "ada"
    assert (me.json()["plan"], me.json()["bitrate_cap"]) == ("free", 160)


@pytest.mark.django_db
def test_wrong_password_gets_the_error_shape(api):
    UserFactory(username="ada")

    response = _token(api, "ada", "nope")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "invalid_credentials",
            "message": "The username or password is not right.",
            "details": {},
        }
    }


@pytest.mark.django_db
def test_missing_fields_are_named(api):
    response = api.post("/api/v1/auth/token/", {"username": "ada"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"] == {"password": ["This field is required."]}


@pytest.mark.django_db
def test_token_endpoint_locks_out_after_repeated_failures(api):
    UserFactory(username="ada")
    for _ in range(5):
        _token(api, "ada", "nope")

    response = _token(api, "ada")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


@pytest.mark.django_db
def test_a_bad_bearer_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


@pytest.mark.django_db
def test_me_needs_authentication(api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_patch_me_changes_preferences_but_not_the_plan(api):
    user = UserFactory()
    api.force_authenticate(user)

    response = api.patch(
        "/api/v1/me/",
        {"display_name": "DJ Ada", "streaming_quality": "low", "country": "BR", "plan": "premium"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["streaming_quality"], body["country"], body["plan"]) == (
        "DJ Ada",
        "low",
        "BR",
        "free",
    )
    assert body["stream_bitrate"] == 64
    user.profile.refresh_from_db()
    assert user.profile.plan == "free"


@pytest.mark.django_db
def test_patch_me_with_an_unknown_quality_names_the_field(api):
    api.force_authenticate(UserFactory())

    response = api.patch("/api/v1/me/", {"streaming_quality": "lossless"}, format="json")

    assert response.status_code == 400
    assert "streaming_quality" in response.json()["error"]["details"]


@pytest.mark.django_db
def test_patch_me_with_a_taken_email_is_refused(api):
    UserFactory(email="taken@example.com")
    api.force_authenticate(UserFactory())

    response = api.patch("/api/v1/me/", {"email": "TAKEN@example.com", "current_password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"email": ["An account with this email address already exists."]}


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404(api):
    response = api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_patch_me_sets_the_crossfade_within_twelve_seconds(api):
    user = UserFactory()
    api.force_authenticate(user)
    assert api.get("/api/v1/me/").json()["crossfade_seconds"] == 0  # off until the listener sets it

    response = api.patch("/api/v1/me/", {"crossfade_seconds": 6}, format="json")
    refused = api.patch("/api/v1/me/", {"crossfade_seconds": 13}, format="json")

    assert response.status_code == 200
    assert response.json()["crossfade_seconds"] == 6
    assert refused.status_code == 400
    assert "crossfade_seconds" in refused.json()["error"]["details"]
    user.profile.refresh_from_db()
    assert user.profile.crossfade_seconds == 6
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["schemas"]["PatchedMeRequest"]["properties"]["crossfade_seconds"]["maximum"] == 12
