"""What the accounts selectors find: people by name or address, and the apps that may act for someone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts.selectors import oauth_applications_authorised, user_find
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_is_found_by_username_or_address_in_any_case_and_nobody_by_blanks():
    ada = UserFactory(username="Ada", email="ada@example.com")
    UserFactory(username="grace", email="grace@example.com")

    assert user_find(identifier="  ada ") == ada
    assert user_find(identifier="ADA@Example.com") == ada
    assert user_find(identifier="   ") is None
    assert user_find(identifier="ada@example") is None


def _app(name: str, **fields) -> Application:
    return Application.objects.create(
        name=name, client_type="confidential", authorization_grant_type="authorization-code", **fields
    )


def _token(user, app, scope: str, *, expires_in: timedelta, refresh: bool = False, revoked: bool = False):
    token = AccessToken.objects.create(
        user=user,
        application=app,
        token=f"t-{app.pk}-{scope}-{expires_in}",
        scope=scope,
        expires=timezone.now() + expires_in,
    )
    if refresh:
        RefreshToken.objects.create(
            user=user,
            application=app,
            token=f"r-{token.pk}",
            access_token=token,
            revoked=timezone.now() if revoked else None,
        )
    return token


def test_connected_apps_are_those_with_a_live_or_refreshable_token_with_every_scope_in_words():
    ada, grace = UserFactory(username="ada"), UserFactory(username="grace")
    player = _app("Zed Player")
    lyrics = _app("alpha lyrics")
    lapsed = _app("Lapsed")
    revoked = _app("Revoked")
    first_party = _app("Website", client_id=settings.FIRST_PARTY_CLIENT_ID)
    _token(ada, player, "streaming", expires_in=timedelta(hours=1))
    _token(ada, player, "user-library-read", expires_in=-timedelta(hours=1), refresh=True)  # refreshable
    _token(ada, lyrics, "user-read-private", expires_in=timedelta(hours=1))
    _token(ada, lapsed, "streaming", expires_in=-timedelta(hours=1))  # expired, no refresh token
    _token(ada, revoked, "streaming", expires_in=-timedelta(hours=1), refresh=True, revoked=True)
    _token(ada, first_party, "streaming", expires_in=timedelta(hours=1))
    _token(grace, lapsed, "streaming", expires_in=timedelta(hours=1))  # someone else's

    found = oauth_applications_authorised(user=ada)

    # By name in any case; each scope once, in the consent page's words and order.
    assert [(app.name, app.scopes) for app in found] == [
        ("alpha lyrics", ["See your account: display name, country, plan and preferences"]),
        ("Zed Player", ["See your liked songs and saved albums", "Play music for you, and report what it plays"]),
    ]
