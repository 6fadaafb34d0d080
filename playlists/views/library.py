"""The library: the listener's playlists, liked songs, saved albums, followed artists and recent plays."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog.access import albums_visible_to, tracks_visible_to
from catalog.models import Artist
from playlists import selectors
from playlists.services import library as library_services
from playlists.views.lookups import back, wants_json
from streaming.selectors import play_history

LIBRARY_PER_PAGE = 50


def _library(request: AuthenticatedHttpRequest, tab: str, rows: Any, **extra: Any) -> HttpResponse:
    page = Paginator(rows, LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    context = {"tab": tab, "page": page, "offset": page.start_index() - 1 if page.object_list else 0, **extra}
    return render(request, f"playlists/library_{tab}.html", context)


def _sort(request: AuthenticatedHttpRequest, part: str) -> dict[str, Any]:
    """The order asked for (the default for a name this part does not know), and the choices, for the page."""
    sorts = selectors.LIBRARY_SORTS[part]
    sort = request.GET.get("sort", "recent")
    sort = sort if sort in sorts else "recent"
    return {"sort": sort, "sorts": [(name, label) for name, (label, _) in sorts.items()]}


@login_required
def library(request: AuthenticatedHttpRequest) -> HttpResponse:
    liked_count = request.user.liked_tracks.count()
    sort = _sort(request, "playlists")
    rows = selectors.playlist_list_mine(user=request.user, sort=sort["sort"])
    return _library(request, "playlists", rows, liked_count=liked_count, **sort)


@login_required
def library_tracks(request: AuthenticatedHttpRequest) -> HttpResponse:
    sort = _sort(request, "tracks")
    return _library(request, "tracks", selectors.liked_track_list(user=request.user, sort=sort["sort"]), **sort)


@login_required
def library_albums(request: AuthenticatedHttpRequest) -> HttpResponse:
    sort = _sort(request, "albums")
    return _library(request, "albums", selectors.saved_album_list(user=request.user, sort=sort["sort"]), **sort)


@login_required
def library_artists(request: AuthenticatedHttpRequest) -> HttpResponse:
    sort = _sort(request, "artists")
    return _library(request, "artists", selectors.followed_artist_list(user=request.user, sort=sort["sort"]), **sort)


@login_required
def library_recent(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _library(request, "recent", play_history(user=request.user))


@login_required
@require_POST
def track_like(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    """Like or unlike (``action``) a track, from any track row."""
    liked = request.POST.get("action") != "unlike"
    get_object_or_404(tracks_visible_to(request.user), pk=track_id)
    if liked:
        library_services.tracks_like(user=request.user, track_ids=[track_id])
    else:
        library_services.tracks_unlike(user=request.user, track_ids=[track_id])
    if wants_json(request):
        return JsonResponse({"liked": liked})
    messages.success(request, gettext("Added to Liked Songs.") if liked else gettext("Removed from Liked Songs."))
    return back(request, reverse("playlists:library_tracks"))


@login_required
@require_POST
def album_save(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = get_object_or_404(albums_visible_to(request.user), pk=album_id)
    if request.POST.get("action") == "remove":
        library_services.albums_unsave(user=request.user, album_ids=[album.pk])
        messages.success(request, gettext("“%(title)s” is no longer in your library.") % {"title": album.title})
    else:
        library_services.albums_save(user=request.user, album_ids=[album.pk])
        messages.success(request, gettext("“%(title)s” is in your library.") % {"title": album.title})
    return back(request, reverse("playlists:library_albums"))


@login_required
@require_POST
def artist_follow(request: AuthenticatedHttpRequest, artist_id: int) -> HttpResponse:
    artist = get_object_or_404(Artist, pk=artist_id)
    if request.POST.get("action") == "unfollow":
        library_services.artists_unfollow(user=request.user, artist_ids=[artist.pk])
        messages.success(request, gettext("You no longer follow %(name)s.") % {"name": artist.name})
    else:
        library_services.artists_follow(user=request.user, artist_ids=[artist.pk])
        messages.success(request, gettext("You follow %(name)s.") % {"name": artist.name})
    return back(request, reverse("playlists:library_artists"))
