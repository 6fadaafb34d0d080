"""Sign-in lockout: counted per account whatever its spelling, and per client address."""

from ipaddress import ip_network

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

ADDRESS_LIMIT = 20


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT
    settings.TRUSTED_PROXIES = []


def _sign_in(client, login, password=PASSWORD, **meta):
    return client.post(reverse("accounts:login"), {"username": login, "password": password}, **meta)


@pytest.mark.django_db
def test_five_spellings_lock_the_account_for_every_spelling_and_its_email_address(client):
    UserFactory(username="listener2", email="listener2@example.com")
    spellings = ["LISTENER2", "Listener2", "listener2", "LiStEnEr2", "listeneR2"]
    # From five addresses, so that only the account's own count can lock it; the fifth failure locks.
    statuses = [
        _sign_in(client, spelling, "wrong", REMOTE_ADDR=f"198.51.100.{number}").status_code
        for number, spelling in enumerate(spellings)
    ]
    assert statuses == [200, 200, 200, 200, 429]

    for login in ["lIstener2", "listener2", "listener2@example.com", "LISTENER2@EXAMPLE.COM"]:
        response = _sign_in(client, login, REMOTE_ADDR="198.51.100.99")
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_failures_under_the_email_address_lock_the_username(client):
    UserFactory(username="ada", email="ada@example.com")
    for number, login in enumerate(
        ["ada@example.com", "ADA@example.com", "Ada@Example.Com", "ada@EXAMPLE.com", " ada@example.com"]
    ):
        _sign_in(client, login, "wrong", REMOTE_ADDR=f"198.51.100.{number}")

    assert _sign_in(client, "ada", REMOTE_ADDR="198.51.100.99").status_code == 429


@pytest.mark.django_db
def test_the_api_token_endpoint_counts_every_spelling_as_one_account():
    UserFactory(username="ada", email="ada@example.com")
    api = APIClient()
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": login, "password": "wrong"},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n, login in enumerate(["ada", "ADA", "Ada", "ada@example.com", "ADA@EXAMPLE.COM"])
    ]
    assert statuses == [401, 401, 401, 401, 429]

    response = api.post("/api/v1/auth/token/", {"username": "aDa", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json() == {
        "error": {
            "status": 429,
            "code": "locked_out",
            "message": "Too many failed sign-in attempts. Try again later.",
            "details": {},
        }
    }


@pytest.mark.django_db
def test_one_address_failing_across_many_accounts_is_locked(client):
    mine = UserFactory(username="mine")
    for number in range(ADDRESS_LIMIT - 1):
        _sign_in(client, f"someone{number}", "wrong", REMOTE_ADDR="203.0.113.9")

    # One short of the limit, and signing in to one's own account does not clear the address's count.
    assert _sign_in(client, "mine", REMOTE_ADDR="203.0.113.9").status_code == 302
    client.logout()
    _sign_in(client, "someone-else", "wrong", REMOTE_ADDR="203.0.113.9")

    assert _sign_in(client, "mine", REMOTE_ADDR="203.0.113.9").status_code == 429
    # The accounts themselves are not locked: from elsewhere they sign in.
    response = _sign_in(client, mine.username, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_address_limit(client):
    UserFactory(username="mine")
    for number in range(ADDRESS_LIMIT):
        _sign_in(
            client, f"someone{number}", "wrong", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )

    response = _sign_in(client, "mine", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert response.status_code == 429


@pytest.mark.django_db
def test_forwarded_for_from_a_trusted_proxy_names_the_client(client, settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/8")]
    UserFactory(username="mine")
    # Many clients behind the proxy, each failing once: nobody is locked.
    for number in range(ADDRESS_LIMIT):
        _sign_in(client, f"someone{number}", "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert _sign_in(client, "mine", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 302
    client.logout()

    # One client behind two proxies, forging the left of the header each time: it is locked.
    for number in range(ADDRESS_LIMIT):
        _sign_in(
            client,
            f"other{number}",
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7, 10.0.0.2",
        )
    locked = _sign_in(client, "mine", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.2")
    assert locked.status_code == 429
    assert _sign_in(client, "mine", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_accounts_failures_whatever_the_spelling(client):
    UserFactory(username="ada", email="ada@example.com")
    for _ in range(4):
        _sign_in(client, "ADA", "wrong")
    assert _sign_in(client, "ada@example.com").status_code == 302
    client.logout()

    for _ in range(4):
        _sign_in(client, "ADA", "wrong")

    assert _sign_in(client, "ADA").status_code == 302
