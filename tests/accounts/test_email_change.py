"""Changing the email address: the current password first, then a link to the new address."""

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.spotifyclone.test_page_budget import BUDGET

LINK = re.compile(r"https?://testserver(/accounts/email/confirm/\S+/)")


@pytest.fixture
def ada(db) -> User:
    return UserFactory(username="ada", email="ada@example.com", display_name="Ada")


@pytest.fixture
def api(ada) -> APIClient:
    client = APIClient()
    client.force_authenticate(ada)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what a request does once its transaction commits (the mails), as it would outside a test."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _stored(user: User) -> tuple[str, str]:
    user.refresh_from_db()
    return user.email, user.display_name


def _link(message: mail.EmailMessage) -> str:
    return LINK.search(message.body).group(1)


def _ask(committed, api: APIClient, **body: str):
    return committed(api.patch, "/api/v1/me/", {"email": "new@example.com", **body}, format="json")


def test_api_email_change_without_the_current_password_is_refused(committed, api, ada):
    response = _ask(committed, api, display_name="Someone else")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "The request is not valid.",
            "details": {"current_password": ["Enter your current password to change this."]},
        }
    }
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert mail.outbox == []


def test_api_email_change_with_a_wrong_password_is_refused(committed, api, ada):
    response = _ask(committed, api, current_password="not it", display_name="Someone else")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"current_password": ["The current password is not right."]}
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert mail.outbox == []


def test_api_email_change_waits_for_the_link_sent_to_the_new_address(committed, api, ada, client):
    response = _ask(committed, api, current_password=PASSWORD, display_name="Ada L.")

    assert response.status_code == 202
    assert response.json()["email"] == "ada@example.com"
    assert "current_password" not in response.json()
    assert _stored(ada) == ("ada@example.com", "Ada L.")
    assert api.get("/api/v1/me/").json()["email"] == "ada@example.com"
    confirm, notice = mail.outbox
    assert (confirm.to, confirm.subject) == (["new@example.com"], "Confirm your new email address for spotifyclone")
    assert (notice.to, notice.subject) == (
        ["ada@example.com"],
        "Someone asked to change the email address of your spotifyclone account",
    )
    assert "from ada@example.com to new@example.com" in notice.body
    assert "If it was not you, change your password now" in notice.body
    assert "/accounts/email/confirm/" not in notice.body

    page = committed(client.get, _link(confirm))

    assert page.status_code == 200
    assert "Your account's email address is now new@example.com." in page.content.decode()
    assert _stored(ada) == ("new@example.com", "Ada L.")
    assert api.get("/api/v1/me/").json()["email"] == "new@example.com"
    changed = mail.outbox[2]
    assert (changed.to, changed.subject) == (
        ["ada@example.com"],
        "The email address of your spotifyclone account has changed",
    )
    assert "is now new@example.com instead of ada@example.com" in changed.body


def test_api_email_change_to_a_taken_address_is_refused_before_any_mail(committed, api, ada):
    UserFactory(email="taken@example.com")

    response = _ask(committed, api, email="TAKEN@example.com", current_password=PASSWORD)

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"email": ["An account with this email address already exists."]}
    assert mail.outbox == []


def test_wrong_current_passwords_count_towards_the_sign_in_lockout(committed, api, ada, client):
    statuses = [_ask(committed, api, current_password=f"guess {n}").status_code for n in range(5)]

    assert statuses == [400, 400, 400, 400, 429]
    response = client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert _stored(ada) == ("ada@example.com", "Ada")


def test_an_expired_link_changes_nothing(committed, api, ada, client, monkeypatch):
    _ask(committed, api, current_password=PASSWORD)
    two_days_later = time.time() + 2 * 24 * 3600 + 1
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: two_days_later))

    page = committed(client.get, _link(mail.outbox[0]))

    assert page.status_code == 400
    assert "This link has expired. Ask for the change again from your account settings." in page.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert len(mail.outbox) == 2


def test_a_tampered_link_changes_nothing(committed, api, ada, client):
    _ask(committed, api, current_password=PASSWORD)
    token = _link(mail.outbox[0]).split("/")[-2]
    payload = signing.b64_decode(token.split(":")[0].encode()).replace(b"new@example.com", b"evil@example.com")
    forged = ":".join([signing.b64_encode(payload).decode(), *token.split(":")[1:]])

    page = client.get(reverse("accounts:email_change_confirm", args=[forged]))

    assert page.status_code == 400
    assert "This link is not valid. Check that it was copied whole." in page.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")


def test_changing_the_password_cancels_a_pending_change(committed, api, ada, client):
    _ask(committed, api, current_password=PASSWORD)
    ada.set_password("a brand new password 9")
    ada.save(update_fields=["password"])

    page = committed(client.get, _link(mail.outbox[0]))

    assert page.status_code == 400
    assert "the account&#x27;s email address or password has changed since it was sent" in page.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")


def test_a_link_whose_address_was_taken_meanwhile_changes_nothing(committed, api, ada, client):
    _ask(committed, api, current_password=PASSWORD)
    UserFactory(email="NEW@example.com")

    page = committed(client.get, _link(mail.outbox[0]))

    assert page.status_code == 400
    assert "An account with this email address already exists." in page.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")


def _settings_form(user: User, **fields: str) -> dict[str, str]:
    return {
        "display_name": user.display_name,
        "email": user.email,
        "country": "",
        "streaming_quality": "auto",
        "explicit_content": "on",
        "language": "en",
        **fields,
    }


def test_settings_page_email_change_needs_the_current_password(committed, client, ada):
    client.force_login(ada)

    response = committed(
        client.post,
        reverse("accounts:settings"),
        _settings_form(ada, email="new@example.com", display_name="Someone else"),
    )

    assert response.status_code == 200
    assert "Enter your current password to change this." in response.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert mail.outbox == []


def test_settings_page_refuses_a_wrong_current_password(committed, client, ada):
    client.force_login(ada)

    response = committed(
        client.post,
        reverse("accounts:settings"),
        _settings_form(ada, email="new@example.com", current_password="not it"),
    )

    assert response.status_code == 200
    assert "The current password is not right." in response.content.decode()
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert mail.outbox == []


def test_settings_page_email_change_is_pending_until_the_link_is_opened(committed, client, ada):
    client.force_login(ada)

    response = committed(
        client.post,
        reverse("accounts:settings"),
        _settings_form(ada, email="new@example.com", current_password=PASSWORD),
    )

    assert response.status_code == 302
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "To change your email address, open the link we sent to new@example.com." in page
    assert "Pending: confirm from new@example.com." in page
    assert 'name="email" value="ada@example.com"' in page
    assert _stored(ada) == ("ada@example.com", "Ada")
    assert [message.to for message in mail.outbox] == [["new@example.com"], ["ada@example.com"]]

    committed(client.get, _link(mail.outbox[0]))

    assert _stored(ada) == ("new@example.com", "Ada")
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "Pending: confirm from" not in page
    assert 'name="email" value="new@example.com"' in page


def test_the_confirmation_pages_keep_the_listener_page_query_budget(
    committed, api, ada, client, django_assert_max_num_queries
):
    _ask(committed, api, current_password=PASSWORD)
    client.force_login(ada)

    with django_assert_max_num_queries(BUDGET):
        refused = client.get(reverse("accounts:email_change_confirm", args=["not-a-token"]))
    with django_assert_max_num_queries(BUDGET):
        pending = client.get(reverse("accounts:settings"))
    with django_assert_max_num_queries(BUDGET):
        done = committed(client.get, _link(mail.outbox[0]))

    assert (refused.status_code, pending.status_code, done.status_code) == (400, 200, 200)
