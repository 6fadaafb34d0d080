"""OAuth2 as django-oauth-toolkit does it, with the project's rules on top."""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.bearer import access_token_cached, access_token_remember, token_checksum

LOOPBACK_NAMES = frozenset({"localhost"})


def redirect_uri_acceptable(uri: str) -> bool:
    """https anywhere; plain http only back to the listener's own machine (RFC 8252, native apps)."""
    parts = urlsplit(uri)
    if parts.fragment or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class Validator(OAuth2Validator):
    def _load_access_token(self, token: str) -> AccessToken | None:
        """Loads a bearer token's user with their profile (plan, preferences) in the same query, or from the cache.

        A stream grant reads the profile on every call; without this it costs a
        query of its own. The loaded token is cached (``accounts/bearer.py``).
        ``tests/streaming/test_stream.py`` counts the queries, so a toolkit
        upgrade that renames the hook shows there.
        """
        checksum = token_checksum(token)
        access = access_token_cached(checksum)
        if access is None:
            access = (
                AccessToken.objects.select_related("application", "user", "user__profile")
                .filter(token_checksum=checksum)
                .first()
            )
            if access is not None:
                access_token_remember(access)
        return access

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        """Also for applications registered before the rule, or by staff in the admin."""
        return redirect_uri_acceptable(redirect_uri) and super().validate_redirect_uri(
            client_id, redirect_uri, request, *args, **kwargs
        )
