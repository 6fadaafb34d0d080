"""A track's page: its details, deleting it, processing it again, and its original file."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors
from catalog.forms import TrackForm
from catalog.models import Track
from catalog.services import tracks as track_services
from catalog.views.lookups import editable_track
from catalog.views.refusals import form_refused
from catalog.views.rows import length
from core.forms import form_focused


def _track_initial(track: Track) -> dict[str, Any]:
    return {
        "title": track.title,
        "explicit": track.explicit,
        "isrc": track.isrc,
        "year": track.year,
        "genres": [g.name for g in track.genres.all()],
        "featured_artists": [a.name for a in track.featured_artists.all()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def track_edit(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = editable_track(request, track_id)
    form = TrackForm(request.POST or None, initial=_track_initial(track))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        genre_names, featured = data.pop("genres"), data.pop("featured_artists")
        try:
            track_services.track_update(
                track=track, by=request.user, genre_names=genre_names, featured_artists=featured, **data
            )
        except ValidationError as exc:
            form_refused(form, exc)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": track.title})
            return redirect("studio:track", track_id=track.pk)
        track.refresh_from_db()
    context = {
        "track": track,
        "artist": track.artist,
        "album": track.album,
        "duration": length(track.duration_ms),
        "form": form_focused(form),
        "waveform": waveform_path(selectors.track_waveform(track_id=track.pk)),
    }
    return render(request, "catalog/track_edit.html", context)


WAVE_HEIGHT = 64


def waveform_path(peaks: list[int]) -> str:
    """An SVG path of the peaks as bars, one unit wide each, centred in a box ``len(peaks)`` by ``WAVE_HEIGHT``."""
    bars = []
    for x, peak in enumerate(peaks):
        height = max(1.0, min(peak, 255) / 255 * (WAVE_HEIGHT - 4))
        bars.append(f"M{x} {(WAVE_HEIGHT - height) / 2:.1f}h.8v{height:.1f}h-.8z")
    return "".join(bars)


@login_required
@require_POST
def track_delete(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = editable_track(request, track_id)
    artist = track.artist
    track_services.track_delete(track=track, by=request.user)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": track.title})
    return redirect("studio:artist", slug=artist.slug)


@login_required
@require_POST
def track_reprocess(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = editable_track(request, track_id)
    try:
        track_services.track_reprocess(track=track, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is being processed again.") % {"title": track.title})
    return redirect("studio:track", track_id=track.pk)


@require_safe
def track_original(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """The uploaded file itself, for the artist's members and staff: 404 to anyone else, signed in or not."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such track.")
    track = get_object_or_404(selectors.upload_list(user=user), pk=track_id)
    if not track.original:  # refused by the worker: its file was deleted
        raise Http404("The original file is gone.")
    if settings.STORAGE_BACKEND != "filesystem":
        # A short-lived signed URL of the bucket: the bytes never pass through Django.
        response: HttpResponseBase = redirect(track.original.storage.url(track.original.name))
    else:
        try:
            file = track.original.storage.open(track.original.name, "rb")
        except FileNotFoundError:
            raise Http404("The original file is gone.") from None
        filename = track.original_filename or track.original.name.rpartition("/")[2]
        response = FileResponse(file, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
