"""A third-party app gets a token the OAuth2 way: authorization code with PKCE."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import Application

from tests.accounts.factories import UserFactory

REDIRECT = "https://player.example.com/callback"


@pytest.mark.django_db
def test_a_third_party_app_acts_for_a_listener_who_allowed_it(client):
    listener = UserFactory(username="ada")
    app = Application.objects.create(
        name="Vinyl Player",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm="",
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    client.force_login(listener)
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "read",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    consent = client.get("/api/v1/oauth/authorize/", params)
    assert consent.status_code == 200
    assert "Allow Vinyl Player?" in consent.content.decode()
    approved = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    assert approved.status_code == 302
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
    access = token.json()["access_token"]

    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert me.status_code == 200
    assert me.json()["username"] == "ada"


@pytest.mark.django_db
def test_a_code_without_its_verifier_gets_no_token(client):
    listener = UserFactory()
    app = Application.objects.create(
        name="Sneaky",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm="",
    )
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"x" * 50).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "read",
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
