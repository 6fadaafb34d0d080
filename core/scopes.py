"""What a request's OAuth token lets it do, asked by the apps.

The API's authentication records on each request the scopes its token was
granted: a frozenset for a third-party application's token, ``None`` for a
website session or a first-party token, which may do everything their
listener may. Views declare the scope each endpoint needs in an
``oauth_scopes`` class attribute, which the authentication checks before the
view runs; the helpers here are for the finer rules that depend on the row
being changed (a public or a private playlist, say).
"""

from typing import Any

from rest_framework.exceptions import PermissionDenied

GRANTED_ATTRIBUTE = "oauth_granted_scopes"


class InsufficientScope(PermissionDenied):
    default_code = "insufficient_scope"
    default_detail = "The access token was not granted the scope this needs."

    def __init__(self, *scopes: str, message: str | None = None) -> None:
        named = " or ".join(f"'{scope}'" for scope in scopes)
        super().__init__(message or f"The access token was not granted the scope this needs: {named}.")
        self.scopes = scopes


def scopes_granted(request: Any) -> frozenset[str] | None:
    """The scopes of the request's token; ``None`` when it may do everything its listener may."""
    if hasattr(request, "_request"):  # a DRF request: make sure it has authenticated
        request.auth  # noqa: B018
        request = request._request
    granted: frozenset[str] | None = getattr(request, GRANTED_ATTRIBUTE, None)
    return granted


def scope_granted(request: Any, scope: str) -> bool:
    granted = scopes_granted(request)
    return granted is None or scope in granted


def scope_require(request: Any, *scopes: str) -> None:
    """Refuse with 403 ``insufficient_scope`` unless the token holds one of ``scopes``."""
    granted = scopes_granted(request)
    if granted is not None and not granted.intersection(scopes):
        raise InsufficientScope(*scopes)
