"""Changing the password through the API: the current one first, then everyone else is signed out."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

NEW = "a brand new password 9"


def _token(username: str) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    return response.json()["access_token"]


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing():
    ada = UserFactory(username="ada")
    api = _bearer(_token("ada"))

    response = api.post("/api/v1/me/password/", {"current_password": "not it", "new_password": NEW}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"current_password": ["The current password is not right."]}
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_with_the_rules_it_breaks():
    ada = UserFactory(username="ada")
    api = _bearer(_token("ada"))

    response = api.post("/api/v1/me/password/", {"current_password": PASSWORD, "new_password": "1234"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "new_password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_new_password_signs_out_every_other_token_and_session(client):
    ada = UserFactory(username="ada")
    other_session = client
    other_session.force_login(ada)
    other_token = _bearer(_token("ada"))
    mine = _bearer(_token("ada"))

    response = mine.post("/api/v1/me/password/", {"current_password": PASSWORD, "new_password": NEW}, format="json")

    assert response.status_code == 204
    ada.refresh_from_db()
    assert ada.check_password(NEW)
    assert mine.get("/api/v1/me/").status_code == 200
    assert other_token.get("/api/v1/me/").status_code == 401
    assert other_session.get(reverse("accounts:settings")).status_code == 302


@pytest.mark.django_db
def test_a_website_session_changing_its_password_stays_signed_in(client):
    ada = UserFactory(username="ada")
    client.force_login(ada)

    response = client.post(
        "/api/v1/me/password/",
        {"current_password": PASSWORD, "new_password": NEW},
        content_type="application/json",
    )

    assert response.status_code == 204
    assert client.get(reverse("accounts:settings")).status_code == 200


@pytest.mark.django_db
def test_a_password_changed_on_the_website_revokes_every_token(client):
    ada = UserFactory(username="ada")
    token = _bearer(_token("ada"))
    client.force_login(ada)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert token.get("/api/v1/me/").status_code == 401
    assert client.get(reverse("accounts:settings")).status_code == 200


@pytest.mark.django_db
def test_a_password_reset_revokes_every_token(client):
    UserFactory(username="ada", email="ada@example.com")
    token = _bearer(_token("ada"))

    client.post(reverse("accounts:password_reset"), {"email": "ada@example.com"})
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert token.get("/api/v1/me/").status_code == 401
