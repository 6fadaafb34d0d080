"""OAuth scopes: what a listener lets a third-party application do.

Every API view declares the scope each of its endpoints needs in a class
attribute, ``oauth_scopes``: keyed by HTTP method on an ``APIView``, by action
on a viewset (``"members"``, or ``"members:POST"`` for one method of an
action), with the scope a token must hold (a tuple: any one of them), or
``None`` for an endpoint that shows only public data.

``ScopedOAuth2Authentication`` checks it for every bearer token before the
view runs, so a view that forgets its permission classes cannot skip it:

- a first-party token (``POST /api/v1/auth/token/``) and a website session
  may do everything their listener may;
- a third-party token without the scope gets 403 ``insufficient_scope``;
- an endpoint that declares nothing is refused to third-party tokens;
- on a public endpoint, a third-party token acts as an anonymous visitor
  unless it holds the view's ``oauth_viewer_scope``: an app allowed only to
  read public data never sees its listener's private playlists or an
  artist's drafts through it;
- a client-credentials token has no listener behind it: it reads public data
  as an anonymous visitor.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.scopes import BaseScopes
from rest_framework.request import Request

from accounts.bearer import access_token_of
from core.scopes import GRANTED_ATTRIBUTE, InsufficientScope

# The scopes a listener may grant, in the words the consent page shows them (translated when shown: the
# schema gives them in English).
SCOPES: dict[str, str] = {
    "user-read-private": gettext_noop("See your account: display name, country, plan and preferences"),
    "user-read-email": gettext_noop("See your e-mail address"),
    "user-modify-private": gettext_noop(
        "Change your preferences and your recent searches, and start your free trial of Premium"
    ),
    "user-library-read": gettext_noop("See your liked songs and saved albums"),
    "user-library-modify": gettext_noop("Like songs and save albums for you, and take them out of your library"),
    "user-follow-read": gettext_noop("See the artists you follow"),
    "user-follow-modify": gettext_noop("Follow and unfollow artists and playlists for you"),
    "playlist-read-private": gettext_noop("See your private and unlisted playlists, and those you collaborate on"),
    "playlist-modify-public": gettext_noop("Create, change and delete your public playlists"),
    "playlist-modify-private": gettext_noop("Create, change and delete your private and unlisted playlists"),
    "ugc-image-upload": gettext_noop("Upload cover images for your playlists"),
    "user-read-playback-state": gettext_noop("See what you play, on which device, and your queue"),
    "user-modify-playback-state": gettext_noop(
        "Control playback on your devices: play, pause, skip, queue, volume, move it"
    ),
    "user-read-recently-played": gettext_noop("See what you listened to recently and what you searched for"),
    "streaming": gettext_noop("Play music for you, and report what it plays"),
    "artist-read": gettext_noop("See your artists' unpublished music, uploads and members"),
    "artist-upload": gettext_noop("Upload music for your artists, and change and publish their albums and tracks"),
    "artist-admin": gettext_noop("Create artists for you, and change who runs them"),
    "subsonic": gettext_noop("See and reset the password and key your music apps use to connect (Subsonic)"),
}

# A view's declaration: the scope, or any one of several, or None for public data.
ScopeDeclaration = str | tuple[str, ...] | None


class _Undeclared:
    """What ``scopes_declared`` answers for an endpoint whose view says nothing of it."""


_UNDECLARED = _Undeclared()


def scopes_declared(view: Any, *, method: str) -> ScopeDeclaration | _Undeclared:
    """The scope ``view`` declares for ``method`` (and its viewset action), or ``_UNDECLARED``."""
    declared: dict[str, ScopeDeclaration] = getattr(view, "oauth_scopes", None) or {}
    method = "GET" if method == "HEAD" else method
    action = getattr(view, "action", None)
    keys = [f"{action}:{method}", action] if action else []
    for key in [*keys, method]:
        if key in declared:
            return declared[key]
    return _UNDECLARED


def scope_declared(view: Any, *, method: str) -> bool:
    return method == "OPTIONS" or not isinstance(scopes_declared(view, method=method), _Undeclared)


class ScopedOAuth2Authentication(OAuth2Authentication):
    """Bearer tokens, held to the scopes their listener granted (see the module's docstring)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        cached = access_token_of(request._request)
        authenticated = (cached.user, cached) if cached is not None else super().authenticate(request)
        if authenticated is None:
            return None
        user, token = authenticated
        if token.application.client_id == settings.FIRST_PARTY_CLIENT_ID:
            setattr(request._request, GRANTED_ATTRIBUTE, None)
            return user, token
        granted = frozenset(token.scope.split())
        setattr(request._request, GRANTED_ATTRIBUTE, granted)
        view = (request.parser_context or {}).get("view")
        if user is None:  # client credentials: an application, no listener
            user = AnonymousUser()
        if request.method == "OPTIONS":
            return user, token
        needed = scopes_declared(view, method=request.method or "GET")
        if isinstance(needed, _Undeclared):
            raise InsufficientScope(message="Only spotifyclone's own clients may use this endpoint.")
        if needed is None:
            viewer_scope = getattr(view, "oauth_viewer_scope", None)
            if viewer_scope is None or viewer_scope not in granted:
                user = AnonymousUser()
            return user, token
        wanted = (needed,) if isinstance(needed, str) else needed
        if not granted.intersection(wanted):
            raise InsufficientScope(*wanted)
        return user, token


class ListenerScopes(BaseScopes):
    """The scopes an application may ask for: every listener scope, none without a listener."""

    def get_all_scopes(self) -> dict[str, str]:
        return {scope: gettext(words) for scope, words in SCOPES.items()}

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        if getattr(request, "grant_type", None) == "client_credentials":
            return []
        return list(SCOPES)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        return []


class ScopedOAuth2Scheme(OpenApiAuthenticationExtension):
    """The schema names, for each operation, the scope a third-party token needs for it."""

    target_class = ScopedOAuth2Authentication
    name = "oauth2"

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[str]]]:
        needed = scopes_declared(auto_schema.view, method=auto_schema.method)
        if isinstance(needed, _Undeclared):
            return []
        if needed is None:
            return [{self.name: []}]
        alternatives = (needed,) if isinstance(needed, str) else needed
        return [{self.name: [scope]} for scope in alternatives]

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "Third-party applications act within the scopes their listener granted. "
            "Tokens from POST /api/v1/auth/token/ carry every scope.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/api/v1/oauth/authorize/",
                    "tokenUrl": "/api/v1/oauth/token/",
                    "refreshUrl": "/api/v1/oauth/token/",
                    "scopes": SCOPES,
                },
                "clientCredentials": {"tokenUrl": "/api/v1/oauth/token/", "scopes": {}},
            },
        }
