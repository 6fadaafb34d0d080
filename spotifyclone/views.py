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
from recommendations.shelves import CHART_ON_HOME, home_shelves, home_shelves_cached, home_shown, recently_played
from search import browse
from spotifyclone import health
from spotifyclone.api.errors import json_not_found, json_server_error


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "albums": browse.new_releases()[:12],
        "chart": browse.chart()[:CHART_ON_HOME],
        "genres": browse.genre_list()[:12],
    }
    if request.user.is_authenticated:
        recent = recently_played(user=request.user)
        context["recent"] = recent
        context["playlists"] = list(playlist_list_mine(user=request.user)[:6])
        # The page never waits for a listener's lists to be made: without them, it fetches its shelves after.
        if home_shelves_cached(user=request.user, recent=recent):
            context["shelves"] = home_shelves(user=request.user, recent=recent, shown=home_shown(recent))
        else:
            context["shelves_later"] = True
    return render(request, "home.html", context)


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
