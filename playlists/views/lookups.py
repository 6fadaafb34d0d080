"""Finding the playlist a page is about, and answering where the visitor came from."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.auth import AuthenticatedHttpRequest
from playlists import access, selectors
from playlists.models import Playlist


def playlist_visible(request: HttpRequest, playlist_id: int) -> Playlist:
    try:
        return selectors.playlist_detail(playlist_id=playlist_id, viewer=request.user)  # type: ignore[arg-type]
    except Playlist.DoesNotExist:
        raise Http404("No such playlist.") from None


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form was, if that is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def playlist_owned(request: AuthenticatedHttpRequest, playlist_id: int) -> Playlist:
    playlist = playlist_visible(request, playlist_id)
    if not access.playlist_is_owner(playlist=playlist, user=request.user):
        raise PermissionDenied(_("Only the owner of this playlist can change it."))
    return playlist
