"""A third-party token does exactly what its listener granted, and nothing more."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.services import access_token_issue
from catalog.models import Album
from playlists.models import Playlist
from spotifyclone.api.scopes import SCOPES, scope_declared
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory
from tests.playlists.factories import PlaylistFactory

REDIRECT = "https://player.example.com/callback"


def third_party_token(user, *scopes: str, grant: str = Application.GRANT_AUTHORIZATION_CODE) -> str:
    application = Application.objects.create(
        name="Vinyl Player",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant,
        redirect_uris=REDIRECT,
        algorithm="",
    )
    raw = f"tok-{application.pk}-{'-'.join(scopes) or 'none'}"
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        scope=" ".join(scopes),
        expires=timezone.now() + timedelta(hours=1),
    )
    return raw


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def listener(db):
    return UserFactory(username="ada", email="ada@example.com")


def test_a_read_only_token_cannot_take_over_the_account(listener):
    api = bearer(third_party_token(listener, "user-read-private"))

    changed = api.patch("/api/v1/me/", {"email": "mallory@example.com"}, format="json")

    assert changed.status_code == 403
    assert changed.json()["error"]["code"] == "insufficient_scope"
    assert changed.json()["error"]["details"] == {"scopes": ["user-modify-private"]}
    assert changed["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="user-modify-private"'
    listener.refresh_from_db()
    assert listener.email == "ada@example.com"


def test_a_read_only_token_changes_no_playlist_and_no_playback(listener):
    playlist = PlaylistFactory(owner=listener, name="Mine")
    api = bearer(third_party_token(listener, "user-read-private", "playlist-read-private"))

    created = api.post("/api/v1/playlists/", {"name": "Spam"}, format="json")
    deleted = api.delete(f"/api/v1/playlists/{playlist.pk}/")
    paused = api.put("/api/v1/me/player/pause/")

    assert [created.status_code, deleted.status_code, paused.status_code] == [403, 403, 403]
    assert {r.json()["error"]["code"] for r in (created, deleted, paused)} == {"insufficient_scope"}
    assert list(Playlist.objects.values_list("name", flat=True)) == ["Mine"]


def test_the_granted_scope_opens_exactly_its_endpoints(listener):
    api = bearer(third_party_token(listener, "user-read-private", "playlist-modify-private"))

    me = api.get("/api/v1/me/")
    created = api.post("/api/v1/playlists/", {"name": "Road trip", "visibility": "private"}, format="json")
    public = api.post("/api/v1/playlists/", {"name": "Road trip", "visibility": "public"}, format="json")
    liked = api.get("/api/v1/me/tracks/")

    assert me.status_code == 200
    assert me.json()["username"] == "ada"
    assert "email" not in me.json()  # that needs user-read-email
    assert created.status_code == 201
    assert public.status_code == 403  # a public playlist needs playlist-modify-public
    assert liked.status_code == 403
    assert Playlist.objects.get().visibility == "private"


def test_changing_a_public_playlist_needs_the_public_scope(listener):
    public = PlaylistFactory(owner=listener, name="Loud", visibility=Playlist.Visibility.PUBLIC)
    private = PlaylistFactory(owner=listener, name="Quiet", visibility=Playlist.Visibility.PRIVATE)
    api = bearer(third_party_token(listener, "playlist-read-private", "playlist-modify-private"))

    renamed_public = api.patch(f"/api/v1/playlists/{public.pk}/", {"name": "Hacked"}, format="json")
    renamed_private = api.patch(f"/api/v1/playlists/{private.pk}/", {"name": "Calm"}, format="json")

    assert renamed_public.status_code == 403
    assert renamed_public.json()["error"]["code"] == "insufficient_scope"
    assert renamed_private.status_code == 200
    assert sorted(Playlist.objects.values_list("name", flat=True)) == ["Calm", "Loud"]


def test_a_token_with_no_scope_reads_only_public_data(listener):
    PlaylistFactory(owner=listener, name="Public one", visibility=Playlist.Visibility.PUBLIC)
    secret = PlaylistFactory(owner=listener, name="Secret one", visibility=Playlist.Visibility.PRIVATE)
    artist = ArtistFactory(owner=listener, name="Ada Sings")
    draft = AlbumFactory(artist=artist, title="Unreleased", status=Album.Status.DRAFT)
    api = bearer(third_party_token(listener))

    playlists = api.get("/api/v1/playlists/")
    hidden = api.get(f"/api/v1/playlists/{secret.pk}/")
    albums = api.get("/api/v1/albums/")
    draft_page = api.get(f"/api/v1/albums/{draft.pk}/")
    me = api.get("/api/v1/me/")

    assert playlists.status_code == 200
    assert [p["name"] for p in playlists.json()["results"]] == ["Public one"]
    assert hidden.status_code == 404
    assert albums.status_code == 200
    assert albums.json()["results"] == []
    assert draft_page.status_code == 404
    assert me.status_code == 403


def test_the_private_read_scope_shows_the_listeners_private_playlists(listener):
    PlaylistFactory(owner=listener, name="Secret one", visibility=Playlist.Visibility.PRIVATE)
    api = bearer(third_party_token(listener, "playlist-read-private"))

    mine = api.get("/api/v1/me/playlists/")

    assert mine.status_code == 200
    assert [p["name"] for p in mine.json()["results"]] == ["Secret one"]


def test_the_email_needs_its_own_scope(listener):
    api = bearer(third_party_token(listener, "user-read-private", "user-read-email"))

    assert api.get("/api/v1/me/").json()["email"] == "ada@example.com"


def test_first_party_tokens_and_sessions_keep_full_access(listener):
    issued = access_token_issue(user=listener)
    api = bearer(issued.access_token)
    session = APIClient()
    session.force_login(listener)

    created = api.post("/api/v1/playlists/", {"name": "Ours", "visibility": "public"}, format="json")
    me = session.get("/api/v1/me/")

    assert created.status_code == 201
    assert me.json()["email"] == "ada@example.com"
    assert set(issued.scope.split()) == set(SCOPES)


def _api_views(resolver: URLResolver | None = None, prefix: str = ""):
    """Every (route, view class, initkwargs) the URLconf serves."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, route)
        elif isinstance(pattern, URLPattern):
            cls = getattr(pattern.callback, "cls", None)
            if cls is not None and issubclass(cls, APIView):
                yield route, pattern.callback, cls


def test_every_api_endpoint_declares_the_scope_it_needs():
    undeclared = []
    seen = 0
    for route, callback, cls in _api_views():
        if not route.startswith("api/v1/") or route.startswith(("api/v1/schema", "api/v1/docs", "api/v1/redoc")):
            continue
        view = cls(**getattr(callback, "initkwargs", {}))
        actions = getattr(callback, "actions", None)
        if actions:  # a viewset: one action per method
            for method, action in actions.items():
                view.action = action
                seen += 1
                if not scope_declared(view, method=method.upper()):
                    undeclared.append(f"{method.upper()} {route} ({cls.__name__}.{action})")
        else:
            for method in view.allowed_methods:
                seen += 1
                if not scope_declared(view, method=method):
                    undeclared.append(f"{method} {route} ({cls.__name__})")
    assert seen > 80
    assert undeclared == []


def test_declared_scopes_are_all_known():
    unknown = set()
    for _route, callback, cls in _api_views():
        view = cls(**getattr(callback, "initkwargs", {}))
        for declared in (getattr(view, "oauth_scopes", None) or {}).values():
            names = (declared,) if isinstance(declared, str) else (declared or ())
            unknown.update(name for name in names if name not in SCOPES)
    assert unknown == set()


@pytest.mark.urls("tests.spotifyclone.undeclared_urls")
def test_an_endpoint_that_declares_no_scope_is_closed_to_third_parties(listener):
    third_party = bearer(third_party_token(listener, *SCOPES))
    first_party = bearer(access_token_issue(user=listener).access_token)

    refused = third_party.get("/undeclared/")
    served = first_party.get("/undeclared/")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert served.json() == {"user": "ada"}


def test_the_schema_names_the_scope_of_each_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    assert {"oauth2": ["user-library-read"]} in paths["/api/v1/me/tracks/"]["get"]["security"]
    assert {"oauth2": ["user-library-modify"]} in paths["/api/v1/me/tracks/"]["put"]["security"]
    assert {"oauth2": ["streaming"]} in paths["/api/v1/tracks/{id}/stream/"]["get"]["security"]
    assert {"oauth2": []} in paths["/api/v1/albums/"]["get"]["security"]
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["authorizationCode"]["scopes"] == SCOPES
    assert "implicit" not in flows
    assert "password" not in flows
