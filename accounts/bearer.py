"""Bearer tokens as the API checks them on every request: loaded from the database once, then cached.

A token is looked up by the SHA-256 of its value (the database keeps only
that), with its application, its user and the user's profile, the way
``accounts.oauth.Validator`` loads it. The loaded token is kept in the hot
cache (``core.hotcache``: a few seconds in the process, ``SHARED_SECONDS`` in
the shared cache, never past the token's expiry), so that a warm request
authenticates without touching the database.

Anything that changes what the cached copy says deletes it, in the process
that makes the change and in the shared cache (other processes' own copies
expire within ``HOT_CACHE_LOCAL_SECONDS``): the token saved or deleted
(refreshed, revoked, an application's access taken back, every token of an
account revoked at a password change), and its user or profile saved (a
deactivated account, a new plan, another country). The handlers are
connected in ``accounts/signals.py``.
"""

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from core.hotcache import hot_forget, hot_get, hot_set

SHARED_SECONDS = 300


def token_checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _key(checksum: str) -> str:
    return f"bearer:{checksum}"


def access_token_cached(checksum: str) -> AccessToken | None:
    """The token with this checksum as last loaded, if it is cached and has not expired since."""
    access: AccessToken | None = hot_get(_key(checksum))
    if access is None or access.is_expired():
        return None
    return access


def access_token_of(request: HttpRequest) -> AccessToken | None:
    """The request's bearer token when the cache holds it and it is still good: no OAuth machinery, no query.

    What the toolkit would check, checked the same way: the ``Authorization:
    Bearer`` header, the token's expiry, and no audience restriction (a token
    bound to a resource goes the long way, where that is checked). ``None``
    sends the caller the long way, through the toolkit.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        return None
    access = access_token_cached(token_checksum(header[1]))
    if access is None or access.resource:
        return None
    return access


def access_token_allows(access: AccessToken, scope: str) -> bool:
    """Whether ``access`` may act for its listener within ``scope``: a first-party token may do everything."""
    return access.application.client_id == settings.FIRST_PARTY_CLIENT_ID or scope in access.scope.split()


def access_token_remember(access: AccessToken) -> None:
    """Cache ``access`` as loaded (with its application, user and profile) until its expiry at the latest."""
    seconds = min(SHARED_SECONDS, (access.expires - timezone.now()).total_seconds())
    if seconds >= 1:
        hot_set(_key(access.token_checksum), access, seconds)


def access_tokens_forget(checksums: Iterable[str]) -> None:
    hot_forget(*(_key(checksum) for checksum in checksums if checksum))


def access_tokens_forget_user(user_id: int) -> None:
    """Forget every cached token of the user (after a change to the user or the profile the tokens carry)."""
    access_tokens_forget(AccessToken.objects.filter(user_id=user_id).values_list("token_checksum", flat=True))
