"""Uploads: several audio files at once, without JavaScript."""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors
from catalog.forms import UploadForm
from catalog.services import tracks as track_services
from catalog.uploads import upload_refusals, upload_request_refusal
from catalog.views.lookups import editable_artist
from catalog.views.rows import track_rows

RECENT_UPLOADS = 10


@login_required
@require_http_methods(["GET", "POST"])
def artist_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Several audio files at once; with JavaScript the page sends them one by one to the API instead."""
    artist = editable_artist(request, slug)
    if request.method == "POST":
        files = request.FILES.getlist("file")
        too_much = upload_request_refusal(request)  # known once the body is read, like the refusals
        if too_much is not None:
            messages.error(request, " ".join(too_much.messages))
            return redirect("studio:upload", slug=artist.slug)
        refused = upload_refusals(request)
        for name, reason in refused:
            messages.error(request, _("%(name)s: %(reason)s") % {"name": name, "reason": reason})
        # An .lrc beside an audio file of the same name holds its lyrics.
        lrcs = {PurePath(f.name or "").stem.casefold(): f for f in files if (f.name or "").lower().endswith(".lrc")}
        files = [f for f in files if not (f.name or "").lower().endswith(".lrc")]
        for file in files:
            name = track_services.upload_filename(file.name)
            try:
                lyrics = lrcs.get(PurePath(file.name or "").stem.casefold())
                track_services.track_upload(artist=artist, by=request.user, file=file, lyrics=lyrics)
            except ValidationError as exc:
                messages.error(request, _("%(name)s: %(value)s") % {"name": name, "value": " ".join(exc.messages)})
            except track_services.StorageUnavailableError as exc:
                messages.error(request, _("%(name)s: %(message)s") % {"name": name, "message": exc.message})
            else:
                messages.success(request, _("%(name)s: uploaded; it is being checked and processed.") % {"name": name})
        if not files and not refused:
            messages.error(request, _("Choose one audio file at least."))
        return redirect("studio:upload", slug=artist.slug)
    recent = selectors.upload_list(user=request.user).filter(artist_id=artist.pk)[:RECENT_UPLOADS]
    context = {
        "artist": artist,
        "form": UploadForm(),
        "recent_rows": track_rows(recent),
        "max_bytes": settings.UPLOAD_MAX_BYTES,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "max_minutes": settings.UPLOAD_MAX_SECONDS // 60,
        "max_files": settings.UPLOAD_MAX_FILES,
    }
    return render(request, "catalog/artist_upload.html", context)
