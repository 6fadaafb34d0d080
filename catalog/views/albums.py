"""An album's page: details, artwork, tracks and their running order, publishing and scheduling."""

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog.artwork import ArtworkError, artwork_url
from catalog.forms import AlbumForm, ImageForm, ScheduleForm, TrackMoveForm, TracksAddForm
from catalog.models import Album
from catalog.services import albums as album_services
from catalog.views.lookups import addable_tracks, album_tracks, editable_album
from catalog.views.refusals import form_refused
from catalog.views.rows import track_rows
from core.errors import refused
from core.forms import form_focused


def _album_initial(album: Album) -> dict[str, Any]:
    return {
        "title": album.title,
        "album_type": album.album_type,
        "release_date": album.release_date,
        "label": album.label,
        "upc": album.upc,
        "genres": [g.name for g in album.genres.all()],
    }


def _album_page(request: AuthenticatedHttpRequest, album: Album, **forms: Form) -> HttpResponse:
    tracks = list(album_tracks(request, album))
    addable = addable_tracks(request, album)
    discs = [(disc, track_rows(rows)) for disc, rows in groupby(tracks, key=lambda t: t.disc_number)]
    for form in forms.values():
        form_focused(form)
    context = {
        "album": album,
        "artist": album.artist,
        "artwork_url": artwork_url(album.artwork.name, 300),
        "discs": discs,
        "track_count": len(tracks),
        "addable": track_rows(addable),
        "next_disc": max((disc for disc, _rows in discs), default=0) + 1,
        "form": forms.get("form") or AlbumForm(initial=_album_initial(album)),
        "image_form": forms.get("image_form") or ImageForm(),
        "add_form": forms.get("add_form") or TracksAddForm(addable=addable),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(initial={"release_at": album.release_at}),
    }
    return render(request, "catalog/album_edit.html", context)


# The page's forms all post to the page itself (a hidden ``form`` names which one), so that a refused
# form comes back at the album's own address, which can be reloaded. Their former addresses still take
# a POST, and lead a GET (a reload, the back button, a bookmark) to the page.


def _details_post(request: AuthenticatedHttpRequest, album: Album) -> HttpResponse:
    form = AlbumForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        genre_names = data.pop("genres")
        try:
            album_services.album_update(album=album, by=request.user, genre_names=genre_names, **data)
        except ValidationError as exc:
            form_refused(form, exc)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": album.title})
            return redirect("studio:album", album_id=album.pk)
    album.refresh_from_db()
    return _album_page(request, album, form=form)


def _artwork_post(request: AuthenticatedHttpRequest, album: Album) -> HttpResponse:
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            album_services.album_artwork_set(album=album, by=request.user, file=form.cleaned_data["image"])
        except ArtworkError as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(request, _("The artwork is saved."))
            return redirect("studio:album", album_id=album.pk)
    album.refresh_from_db()  # the refused artwork's name may be left on the instance: show what is stored
    return _album_page(request, album, image_form=form)


def _tracks_add_post(request: AuthenticatedHttpRequest, album: Album) -> HttpResponse:
    form = TracksAddForm(request.POST, addable=addable_tracks(request, album))
    if form.is_valid():
        try:
            added = album_services.album_tracks_add(
                album=album,
                by=request.user,
                track_ids=[t.pk for t in form.cleaned_data["tracks"]],
                disc_number=form.cleaned_data["disc_number"],
            )
        except ValidationError as exc:
            form_refused(form, exc)
        else:
            count = len(added)
            messages.success(
                request, ngettext("%(count)d track added.", "%(count)d tracks added.", count) % {"count": count}
            )
            return redirect(reverse("studio:album", kwargs={"album_id": album.pk}) + "#tracks")
    return _album_page(request, album, add_form=form)


def _schedule_post(request: AuthenticatedHttpRequest, album: Album) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            album = album_services.album_schedule(
                album=album, by=request.user, release_at=form.cleaned_data["release_at"]
            )
        except ValidationError as exc:
            form.add_error("release_at", exc)  # every refusal is about the release time
        else:
            when = date_format(timezone.localtime(album.release_at), "DATETIME_FORMAT")
            zone = timezone.get_current_timezone_name()
            messages.success(
                request,
                _("“%(title)s” comes out on %(when)s (%(zone)s).") % {"title": album.title, "when": when, "zone": zone},
            )
            return redirect("studio:album", album_id=album.pk)
    album.refresh_from_db()
    return _album_page(request, album, schedule_form=form)


PAGE_FORMS = {
    "details": _details_post,
    "artwork": _artwork_post,
    "tracks": _tracks_add_post,
    "schedule": _schedule_post,
}


@login_required
@require_http_methods(["GET", "POST"])
def album_edit(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = editable_album(request, album_id)
    if request.method != "POST":
        return _album_page(request, album)
    handle = PAGE_FORMS.get(request.POST.get("form", ""), _details_post)
    return handle(request, album)


def _former_address(form: str) -> Callable[..., HttpResponse]:
    """The view at a form's former address: a POST is that form's, a GET goes to the album's page."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
        album = editable_album(request, album_id)
        if request.method != "POST":
            return redirect("studio:album", album_id=album.pk)
        return PAGE_FORMS[form](request, album)

    view.__name__ = f"album_{form}"
    return view


album_artwork = _former_address("artwork")
album_tracks_add = _former_address("tracks")
album_schedule = _former_address("schedule")


@login_required
@require_POST
def album_track_remove(request: AuthenticatedHttpRequest, album_id: int, track_id: int) -> HttpResponse:
    album = editable_album(request, album_id)
    try:
        album_services.album_track_remove(album=album, by=request.user, track_id=track_id)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The track is off the album; it stays among your uploads."))
    return redirect(reverse("studio:album", kwargs={"album_id": album.pk}) + "#tracks")


@login_required
@require_POST
def album_track_move(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    """The up and down buttons of the running order, for when JavaScript does not do it."""
    album = editable_album(request, album_id)
    form = TrackMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That track is not on this album."))
    else:
        try:
            album_services.album_track_move(
                album=album,
                by=request.user,
                track_id=form.cleaned_data["track"],
                direction=form.cleaned_data["direction"],
            )
        except ValidationError as exc:
            refused(request, exc)
    return redirect(reverse("studio:album", kwargs={"album_id": album.pk}) + f"#track-{form.data.get('track', '')}")


@login_required
@require_POST
def album_publish(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = editable_album(request, album_id)
    try:
        album_services.album_publish(album=album, by=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": album.title})
    return redirect("studio:album", album_id=album.pk)


@login_required
@require_POST
def album_unpublish(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = editable_album(request, album_id)
    try:
        album_services.album_unpublish(album=album, by=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("“%(title)s” is unpublished: listeners no longer see it.") % {"title": album.title})
    return redirect("studio:album", album_id=album.pk)


@login_required
@require_POST
def album_delete(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = editable_album(request, album_id)
    artist = album.artist
    album_services.album_delete(album=album, by=request.user)
    messages.success(request, _("“%(title)s” is deleted; its tracks stay among your uploads.") % {"title": album.title})
    return redirect("studio:artist", slug=artist.slug)
