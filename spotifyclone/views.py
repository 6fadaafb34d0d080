"""Site-wide views: the home page, public images, health probes and error pages."""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as html_server_error
from django.views.static import serve

from playlists.selectors import playlist_list_mine
from recommendations.shelves import home_shelves
from search import browse
from spotifyclone import health
from spotifyclone.api.errors import json_not_found, json_server_error
from streaming.selectors import play_history


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "albums": browse.new_releases()[:12],
        "chart": browse.chart()[:5],
        "genres": browse.genre_list()[:12],
    }
    if request.user.is_authenticated:
        recent = _recently_played(request.user)
        context["recent"] = recent
        context["playlists"] = list(playlist_list_mine(user=request.user)[:6])
        # No shelf repeats a track shown above or below it.
        shown = {track.pk for track in recent} | {track.pk for track in context["chart"]}
        context["shelves"] = home_shelves(user=request.user, recent=recent, shown=shown)
    return render(request, "home.html", context)


def _recently_played(user: Any, *, limit: int = 5) -> list[Any]:
    """The last few different tracks the listener played that can still be played."""
    recent: dict[int, Any] = {}
    for play in play_history(user=user)[:50]:
        if play.track is not None and play.track.is_playable:
            recent.setdefault(play.track_id, play.track)
    return list(recent.values())[:limit]


# The folders of default storage that hold only images anyone may see: album artwork, artist
# pictures, playlist covers and mosaics, avatars. Originals and renditions are elsewhere.
PUBLIC_MEDIA_FOLDERS = frozenset({"albums", "artists", "playlists", "avatars", "campaigns"})


@require_safe
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A public image by its path under MEDIA_ROOT (embedded default only); 404 for everything else."""
    parts = path.split("/")
    if parts[0] not in PUBLIC_MEDIA_FOLDERS or any(part in {"", ".", ".."} for part in parts) or "\\" in path:
        raise Http404("No such image.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Every dependency's state for anyone (load balancers); the errors for signed-in staff alone."""
    report = health.readiness_report(with_errors=_is_staff(request))
    return JsonResponse(report, status=200 if report["status"] != "down" else 503)


def _is_staff(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_staff)
    except Exception:  # the session or the user could not be read: their store may be what is down
        return False


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_not_found(request)
    return html_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_server_error()
    return html_server_error(request)
