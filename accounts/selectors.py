"""Reads on accounts."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.scopes import get_scopes_backend

from accounts import email_change
from accounts.models import User


def user_find(*, identifier: str) -> User | None:
    """The person with this username or email address, in any letter case."""
    identifier = identifier.strip()
    if not identifier:
        return None
    return User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier)).first()


@dataclass(frozen=True)
class AuthorisedApplication:
    id: int
    name: str
    scopes: list[str]  # in words, as the consent page showed them
    since: datetime


def oauth_applications_authorised(*, user: User) -> list[AuthorisedApplication]:
    """Third-party applications that hold a live token for ``user``, with every scope they hold."""
    now = timezone.now()
    live = (
        AccessToken.objects.filter(user=user, expires__gt=now)
        .exclude(application__client_id=settings.FIRST_PARTY_CLIENT_ID)
        .values_list("application_id", "application__name", "scope", "created")
    )
    refreshable = (
        RefreshToken.objects.filter(user=user, revoked__isnull=True, access_token__isnull=False)
        .exclude(application__client_id=settings.FIRST_PARTY_CLIENT_ID)
        .values_list("application_id", "application__name", "access_token__scope", "created")
    )
    found: dict[int, tuple[str, set[str], datetime]] = {}
    for app_id, name, scope, created in [*live, *refreshable]:
        _name, scopes, since = found.get(app_id, (name, set(), created))
        found[app_id] = (name, scopes | set((scope or "").split()), min(since, created))
    words = get_scopes_backend().get_all_scopes()
    return [
        AuthorisedApplication(id=app_id, name=name, scopes=[words[s] for s in words if s in scopes], since=since)
        for app_id, (name, scopes, since) in sorted(found.items(), key=lambda item: item[1][0].lower())
    ]


def email_change_pending(*, user: User) -> str | None:
    """The new address a change of email waits to be confirmed from, if one was asked for and still applies."""
    return email_change.pending_read(user=user)
