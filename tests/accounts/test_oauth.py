"""Third-party apps: registered within the rules, allowed by listeners scope by scope, revoked by them."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import AccessToken, Application, RefreshToken
from rest_framework.test import APIClient

from catalog.models import Album
from playlists.models import Playlist
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.playlists.factories import PlaylistFactory

REDIRECT = "https://player.example.com/callback"


def _app(name: str = "Vinyl Player", **fields) -> Application:
    fields = {
        "client_type": Application.CLIENT_PUBLIC,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": REDIRECT,
        "algorithm": "",
        **fields,
    }
    return Application.objects.create(name=name, **fields)


def _authorise(client, listener, app: Application, scope: str) -> dict:
    """The whole dance: consent page, allow, code for token. Answers the token response."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    client.force_login(listener)
    consent = client.get("/api/v1/oauth/authorize/", params)
    assert consent.status_code == 200
    approved = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    assert approved.status_code == 302, approved.content
    query = parse_qs(urlsplit(approved["Location"]).query)
    assert query["state"] == ["xyz"]
    client.logout()
    token = client.post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.content
    return token.json()


def _bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.mark.django_db
def test_a_listener_sees_in_words_what_an_app_asks_for(client):
    listener = UserFactory(username="ada")
    app = _app()
    client.force_login(listener)

    consent = client.get(
        "/api/v1/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": "user-library-read playlist-modify-private",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )

    page = consent.content.decode()
    assert "Allow Vinyl Player?" in page
    assert "See your liked songs and saved albums" in page
    assert "Create, change and delete your private and unlisted playlists" in page
    assert "user-read-email" not in page


@pytest.mark.django_db
def test_a_token_holds_exactly_the_scopes_its_listener_granted(client):
    listener = UserFactory(username="ada")
    PlaylistFactory(owner=listener, name="Secret", visibility=Playlist.Visibility.PRIVATE)

    token = _authorise(client, listener, _app(), "user-read-private playlist-read-private")
    api = _bearer(token["access_token"])

    assert set(token["scope"].split()) == {"user-read-private", "playlist-read-private"}
    assert api.get("/api/v1/me/").json()["username"] == "ada"
    assert [p["name"] for p in api.get("/api/v1/me/playlists/").json()["results"]] == ["Secret"]
    assert api.get("/api/v1/me/tracks/").status_code == 403
    assert api.post("/api/v1/playlists/", {"name": "x"}, format="json").status_code == 403


@pytest.mark.django_db
def test_an_unknown_scope_is_refused(client):
    listener = UserFactory()
    app = _app()
    client.force_login(listener)

    answer = client.get(
        "/api/v1/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": "read write",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )

    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["invalid_scope"]


@pytest.mark.django_db
def test_a_code_without_its_verifier_gets_no_token(client):
    listener = UserFactory()
    app = _app("Sneaky")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"x" * 50).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "user-read-private",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    client.force_login(listener)
    approved = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlsplit(approved["Location"]).query)["code"][0]
    client.logout()

    token = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": app.client_id},
    )

    assert token.status_code == 400


@pytest.mark.django_db
def test_the_implicit_and_password_grants_are_not_offered(client):
    listener = UserFactory(username="ada")
    implicit = _app("Old Style", authorization_grant_type=Application.GRANT_IMPLICIT)
    password = _app("Harvester", authorization_grant_type=Application.GRANT_PASSWORD, redirect_uris="")
    client.force_login(listener)

    token_in_fragment = client.post(
        "/api/v1/oauth/authorize/",
        {
            "response_type": "token",
            "client_id": implicit.client_id,
            "redirect_uri": REDIRECT,
            "scope": "user-read-private",
            "allow": "Authorize",
        },
    )
    client.logout()
    by_password = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "password", "username": "ada", "password": PASSWORD, "client_id": password.client_id},
    )

    assert "access_token" not in token_in_fragment.get("Location", "")
    assert by_password.status_code in {400, 401}
    assert by_password.json()["error"] in {"unauthorized_client", "unsupported_grant_type"}
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_a_client_credentials_token_reads_the_public_catalog_only(client):
    listener = UserFactory(username="ada")
    album = AlbumFactory(title="Out Now", status=Album.Status.PUBLISHED)
    TrackFactory(album=album, artist=album.artist, title="Morning")
    PlaylistFactory(owner=listener, name="Open", visibility=Playlist.Visibility.PUBLIC)
    PlaylistFactory(owner=listener, name="Closed", visibility=Playlist.Visibility.PRIVATE)
    secret = "s3cret-" + "x" * 40
    app = _app(
        "Charts Bot",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        redirect_uris="",
        client_secret=secret,
    )

    token = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret},
    )
    greedy = client.post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": secret,
            "scope": "user-read-private",
        },
    )
    api = _bearer(token.json()["access_token"])

    answers = {path: api.get(path) for path in ("/api/v1/albums/", "/api/v1/tracks/", "/api/v1/playlists/")}
    found = api.get("/api/v1/search/", {"q": "open"})

    assert token.status_code == 200
    assert token.json()["scope"] == ""
    assert greedy.json()["error"] == "invalid_scope"
    assert {path: a.status_code for path, a in answers.items()} == dict.fromkeys(answers, 200)
    assert [a["title"] for a in answers["/api/v1/albums/"].json()["results"]] == ["Out Now"]
    assert [p["name"] for p in answers["/api/v1/playlists/"].json()["results"]] == ["Open"]
    assert found.status_code == 200
    me = api.get("/api/v1/me/")
    assert (me.status_code, me.json()["error"]["code"]) == (403, "insufficient_scope")
    assert api.post("/api/v1/playlists/", {"name": "x"}, format="json").status_code == 403


@pytest.mark.django_db
def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(client):
    listener = UserFactory()
    app = _app()
    first = _authorise(client, listener, app, "user-read-private")

    second = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": app.client_id},
    ).json()
    replayed = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": app.client_id},
    )
    after_replay = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": second["refresh_token"], "client_id": app.client_id},
    )

    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == "user-read-private"
    assert replayed.status_code == 400
    assert after_replay.status_code == 400  # the thief's replay cost the whole family
    assert _bearer(second["access_token"]).get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_tokens_are_kept_hashed(client):
    listener = UserFactory()
    token = _authorise(client, listener, _app(), "user-read-private")

    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(token["access_token"].encode()).hexdigest()
    assert RefreshToken.objects.get().token == ""


@pytest.mark.django_db
def test_registration_offers_only_the_code_and_client_credentials_grants(client):
    client.force_login(UserFactory())

    page = client.get("/api/v1/oauth/applications/register/").content.decode()

    assert 'value="authorization-code"' in page
    assert 'value="client-credentials"' in page
    assert 'value="password"' not in page
    assert 'value="implicit"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("grant", "uris", "kept"),
    [
        ("authorization-code", "https://app.example.com/cb", True),
        ("authorization-code", "http://127.0.0.1:8765/cb\nhttp://[::1]/cb", True),
        ("authorization-code", "http://app.example.com/cb", False),
        ("authorization-code", "myapp://callback", False),
        ("authorization-code", "", False),
        ("password", "https://app.example.com/cb", False),
        ("implicit", "https://app.example.com/cb", False),
    ],
)
def test_registration_rules(client, grant, uris, kept):
    developer = UserFactory()
    client.force_login(developer)

    answer = client.post(
        "/api/v1/oauth/applications/register/",
        {"name": "Tool", "client_type": "public", "authorization_grant_type": grant, "redirect_uris": uris},
    )

    assert Application.objects.filter(user=developer).exists() is kept
    assert answer.status_code == (201 if kept else 200)


@pytest.mark.django_db
def test_a_registered_app_shows_its_secret_once(client):
    developer = UserFactory()
    client.force_login(developer)

    created = client.post(
        "/api/v1/oauth/applications/register/",
        {
            "name": "Charts Bot",
            "client_type": "confidential",
            "authorization_grant_type": "client-credentials",
            "redirect_uris": "",
        },
    )
    app = Application.objects.get(user=developer)
    secret = created.context["client_secret"]
    later = client.get(f"/api/v1/oauth/applications/{app.pk}/")

    assert len(secret) > 20
    assert secret in created.content.decode()
    assert secret not in later.content.decode()
    token = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret},
    )
    assert token.status_code == 200


@pytest.mark.django_db
def test_a_redirect_uri_over_plain_http_is_refused_at_authorization_too(client):
    listener = UserFactory()
    app = _app("Legacy", redirect_uris="http://legacy.example.com/cb")
    client.force_login(listener)

    answer = client.get(
        "/api/v1/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": "http://legacy.example.com/cb",
            "scope": "user-read-private",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )

    assert answer.status_code == 400
    assert "legacy.example.com" not in answer.get("Location", "")


@pytest.mark.django_db
def test_a_listener_sees_and_revokes_the_apps_they_allowed(client):
    listener = UserFactory()
    vinyl = _app("Vinyl Player")
    token = _authorise(client, listener, vinyl, "user-library-read streaming")
    other = UserFactory()
    others_token = _authorise(client, other, vinyl, "user-read-private")
    client.force_login(listener)

    listed = client.get("/accounts/apps/").content.decode()
    revoked = client.post(f"/accounts/apps/{vinyl.pk}/revoke/", follow=True)

    assert "Vinyl Player" in listed
    assert "See your liked songs and saved albums" in listed
    assert "Play music for you, and report what it plays" in listed
    assert "Vinyl Player can no longer act for you." in revoked.content.decode()
    assert "Vinyl Player" not in client.get("/accounts/apps/").content.decode().split("<h1>")[1]
    assert _bearer(token["access_token"]).get("/api/v1/me/tracks/").status_code == 401
    refresh = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": vinyl.client_id},
    )
    assert refresh.status_code == 400
    assert _bearer(others_token["access_token"]).get("/api/v1/me/").status_code == 200
