"""The tracks in a playlist: added from any track row, removed, moved up and down."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from core.errors import refusal_json, refused
from playlists.forms import AddTrackForm, MoveForm
from playlists.services import items as item_services
from playlists.views.lookups import back, playlist_visible, wants_json


@login_required
@require_POST
def track_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "add to playlist" menu of every track row."""
    form = AddTrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a playlist to add the track to."))
        return back(request, reverse("playlists:library"))
    playlist = playlist_visible(request, form.cleaned_data["playlist"])
    try:
        playlist = item_services.playlist_items_add(
            playlist=playlist, by=request.user, track_ids=[form.cleaned_data["track"]]
        )
    except (ValidationError, PermissionDenied) as exc:
        if wants_json(request):
            return refusal_json(exc)
        refused(request, exc)
    else:
        if wants_json(request):
            return JsonResponse({"snapshot_id": playlist.snapshot_id, "message": f"Added to “{playlist.name}”."})
        messages.success(request, _("Added to “%(name)s”.") % {"name": playlist.name})
    return back(request, reverse("playlists:detail", args=[playlist.pk]))


@login_required
@require_POST
def item_remove(request: AuthenticatedHttpRequest, playlist_id: int, item_id: int) -> HttpResponse:
    playlist = playlist_visible(request, playlist_id)
    try:
        item_services.playlist_items_remove(playlist=playlist, by=request.user, item_ids=[item_id])
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The track is off the playlist."))
    return back(request, reverse("playlists:detail", args=[playlist.pk]))


@login_required
@require_POST
def item_move(request: AuthenticatedHttpRequest, playlist_id: int, item_id: int) -> HttpResponse:
    """The up and down buttons, for when JavaScript does not move the row itself."""
    playlist = playlist_visible(request, playlist_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Move a track up or down."))
    else:
        try:
            item_services.playlist_item_step(
                playlist=playlist, by=request.user, item_id=item_id, direction=form.cleaned_data["direction"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refused(request, exc)
    response = back(request, reverse("playlists:detail", args=[playlist.pk]))
    response["Location"] = response["Location"].split("#")[0] + f"#item-{item_id}"
    return response
