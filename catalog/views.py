"""The artists' studio: where an artist's members run its pages, uploads and albums.

Every page is for the artist's members only: anyone else gets 404, as if the
page were not there. Each POST calls one service and redirects; a refusal
comes back as a message or a form error.
"""

from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import AuthenticatedHttpRequest
from catalog import access, selectors
from catalog.artwork import ArtworkError, artwork_url
from catalog.durations import duration_format
from catalog.forms import (
    AlbumForm,
    ArtistEditForm,
    ArtistForm,
    ImageForm,
    MemberAddForm,
    MemberRoleForm,
    OwnershipTransferForm,
    ScheduleForm,
    TrackForm,
    TrackMoveForm,
    TracksAddForm,
    UploadForm,
)
from catalog.models import Album, Artist, ArtistInvitation, ArtistMembership, Track
from catalog.services import albums as album_services
from catalog.services import artists as artist_services
from catalog.services import invitations as invitation_services
from catalog.services import tracks as track_services
from catalog.uploads import upload_refusals, upload_request_refusal
from core.errors import refused

UPLOADS_PER_PAGE = 50
RECENT_UPLOADS = 10


# Lookups: always through the querysets of what the user may edit, so that a stranger finds nothing.


def _artist(request: AuthenticatedHttpRequest, slug: str) -> Artist:
    return get_object_or_404(selectors.artist_list_editable(user=request.user), slug=slug)


def _album(request: AuthenticatedHttpRequest, album_id: int) -> Album:
    return get_object_or_404(selectors.album_list_editable(user=request.user), pk=album_id)


def _track(request: AuthenticatedHttpRequest, track_id: int) -> Track:
    return get_object_or_404(selectors.upload_list(user=request.user), pk=track_id)


def _album_tracks(request: AuthenticatedHttpRequest, album: Album) -> QuerySet[Track]:
    uploads = selectors.upload_list(user=request.user).filter(album_id=album.pk)
    return uploads.order_by("disc_number", "track_number", "id")


def _addable_tracks(request: AuthenticatedHttpRequest, album: Album) -> QuerySet[Track]:
    """The artist's uploads that are on no album, in the order they came: the order they are added in."""
    uploads = selectors.upload_list(user=request.user).filter(artist_id=album.artist_id, album__isnull=True)
    return uploads.order_by("created_at", "id")


def _duration(ms: int | None) -> str:
    """3:07, or 1:02:05 for the long ones, as the listener's pages show it; a dash while it is not known."""
    return duration_format(ms) or "–"


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# Studio home: my artists, and a new one.


@login_required
@require_http_methods(["GET", "POST"])
def studio_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ArtistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            artist = artist_services.artist_create(
                name=form.cleaned_data["name"], bio=form.cleaned_data["bio"], owner=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{artist.name} is ready. Upload its first tracks.")
            return redirect("studio:artist", slug=artist.slug)
    # Only the artists I belong to, with my role in each (staff may edit any, but these are theirs).
    memberships = selectors.membership_list(user=request.user)
    rows = [(m.artist, m.get_role_display(), artwork_url(m.artist.image.name, 300)) for m in memberships]
    invitations = selectors.artist_invitations_for(user=request.user)
    return render(request, "catalog/studio_home.html", {"artists": rows, "form": form, "invitations": invitations})


# The artist dashboard.


def _dashboard(request: AuthenticatedHttpRequest, artist: Artist, **forms: Form) -> HttpResponse:
    albums = selectors.album_list_editable(user=request.user).filter(artist_id=artist.pk).order_by("-created_at", "-id")
    uploads = selectors.upload_list(user=request.user).filter(artist_id=artist.pk)
    page = Paginator(uploads, UPLOADS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "artist": artist,
        "picture_url": artwork_url(artist.image.name, 300),
        "albums": [(album, artwork_url(album.artwork.name, 300)) for album in albums],
        "uploads": page,
        "upload_rows": [(track, _duration(track.duration_ms)) for track in page],
        "can_manage": access.artist_can_manage(artist_id=artist.pk, user=request.user),
        "edit_form": forms.get("edit_form") or ArtistEditForm(initial={"name": artist.name, "bio": artist.bio}),
        "album_form": forms.get("album_form") or AlbumForm(),
    }
    return render(request, "catalog/artist_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def artist_dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    if request.method != "POST":
        return _dashboard(request, artist)
    form = ArtistEditForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            if form.cleaned_data["picture"]:
                artist_services.artist_image_set(artist=artist, by=request.user, file=form.cleaned_data["picture"])
            artist_services.artist_update(
                artist=artist, by=request.user, name=form.cleaned_data["name"], bio=form.cleaned_data["bio"]
            )
        except ArtworkError as exc:
            form.add_error("picture", str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "The artist page is saved.")
            return redirect("studio:artist", slug=artist.slug)
    artist.refresh_from_db()  # a refused change may have been half-applied in memory: show what is stored
    return _dashboard(request, artist, edit_form=form)


@login_required
@require_POST
def album_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    form = AlbumForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        genre_names = data.pop("genres")
        try:
            album = album_services.album_create(artist_id=artist.pk, by=request.user, genre_names=genre_names, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{album.title}” is a draft: add its tracks and artwork, then publish it.")
            return redirect("studio:album", album_id=album.pk)
    return _dashboard(request, artist, album_form=form)


# Members.


def _members_page(request: AuthenticatedHttpRequest, artist: Artist, add_form: Form | None = None) -> HttpResponse:
    members = list(selectors.artist_members(artist_id=artist.pk))
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    context = {
        "artist": artist,
        "members": members,
        "me": mine,
        "can_manage": access.artist_can_manage(artist_id=artist.pk, user=request.user),
        "add_form": add_form or MemberAddForm(),
        "transfer_form": OwnershipTransferForm(members=members, me=request.user),
        "roles": ArtistMembership.Role.choices,
    }
    if context["can_manage"]:
        context["invitations"] = list(selectors.artist_invitation_list(artist_id=artist.pk))
    return render(request, "catalog/artist_members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def artist_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    if request.method != "POST":
        return _members_page(request, artist)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _members_page(request, artist, add_form=form)
    try:
        invitation = invitation_services.artist_invitation_create(
            artist=artist,
            by=request.user,
            invitee=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _members_page(request, artist, add_form=form)
    except PermissionDenied as exc:
        refused(request, exc)
    else:
        messages.success(
            request, f"{invitation.invitee} is invited: they become a member of {artist.name} once they accept."
        )
    return redirect("studio:members", slug=artist.slug)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    artist = _artist(request, slug)
    try:
        invitation_services.artist_invitation_revoke(artist=artist, by=request.user, invitation_id=invitation_id)
    except ArtistInvitation.DoesNotExist:
        messages.error(request, "That invitation was answered, revoked or has expired already.")
    except PermissionDenied as exc:
        refused(request, exc)
    else:
        messages.success(request, "The invitation is revoked: its link no longer works.")
    return redirect(reverse("studio:members", kwargs={"slug": artist.slug}) + "#invitations")


# Invitations, as the person invited sees them.


@login_required
def invitation(request: AuthenticatedHttpRequest, invitation_id: int, token: str) -> HttpResponse:
    """Where the mailed link leads: the invitation, to accept or decline, for the account it is for only."""
    answerable = selectors.artist_invitations_answerable(
        user=request.user, token_hash=invitation_services.invitation_token_hash(token)
    )
    found = get_object_or_404(answerable, pk=invitation_id)
    return render(request, "catalog/invitation.html", {"invitation": found, "token": token})


@login_required
@require_POST
def invitation_answer(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline, from the studio's list or from the mailed link's page (which sends its token)."""
    token = request.POST.get("token", "")[:64]
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            membership = invitation_services.artist_invitation_accept(
                invitation_id=invitation_id, user=request.user, token=token
            )
        elif answer == "decline":
            invitation_services.artist_invitation_decline(invitation_id=invitation_id, user=request.user, token=token)
        else:
            messages.error(request, "Accept or decline the invitation.")
            return redirect("studio:home")
    except ArtistInvitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    except ValidationError as exc:
        refused(request, exc)
        return redirect("studio:home")
    if answer == "decline":
        messages.success(request, "You declined the invitation.")
        return redirect("studio:home")
    artist = membership.artist
    messages.success(request, f"You are now an {membership.get_role_display().lower()} of {artist.name}.")
    return redirect("studio:artist", slug=artist.slug)


def _member(artist: Artist, user_id: int) -> ArtistMembership:
    return get_object_or_404(selectors.artist_members(artist_id=artist.pk), user_id=user_id)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    artist = _artist(request, slug)
    member = _member(artist, user_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner or editor.")
        return redirect("studio:members", slug=artist.slug)
    try:
        artist_services.artist_member_role_set(
            artist=artist, by=request.user, user=member.user, role=form.cleaned_data["role"]
        )
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
    else:
        role = ArtistMembership.Role(form.cleaned_data["role"]).label.lower()
        messages.success(request, f"{member.user.public_name} is now an {role}.")
    return redirect("studio:members", slug=artist.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Owners remove a member; a member removing themself leaves."""
    artist = _artist(request, slug)
    member = _member(artist, user_id)
    leaving = member.user_id == request.user.pk
    try:
        artist_services.artist_member_remove(artist=artist, by=request.user, user=member.user)
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
        return redirect("studio:members", slug=artist.slug)
    if leaving:
        messages.success(request, f"You have left {artist.name}.")
        return redirect("studio:home")
    messages.success(request, f"{member.user.public_name} is no longer a member.")
    return redirect("studio:members", slug=artist.slug)


@login_required
@require_POST
def ownership_transfer(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    members = list(selectors.artist_members(artist_id=artist.pk))
    form = OwnershipTransferForm(request.POST, members=members, me=request.user)
    if not form.is_valid():
        messages.error(request, "Choose one of the other members as the new owner.")
        return redirect("studio:members", slug=artist.slug)
    to = form.cleaned_data["user"]
    try:
        artist_services.artist_ownership_transfer(artist=artist, by=request.user, to=to)
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{to.public_name} now owns {artist.name}; you stay on as an editor.")
    return redirect("studio:members", slug=artist.slug)


# Uploads.


@login_required
@require_http_methods(["GET", "POST"])
def artist_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Several audio files at once; with JavaScript the page sends them one by one to the API instead."""
    artist = _artist(request, slug)
    if request.method == "POST":
        files = request.FILES.getlist("file")
        too_much = upload_request_refusal(request)  # known once the body is read, like the refusals
        if too_much is not None:
            messages.error(request, " ".join(too_much.messages))
            return redirect("studio:upload", slug=artist.slug)
        refused = upload_refusals(request)
        for name, reason in refused:
            messages.error(request, f"{name}: {reason}")
        for file in files:
            name = track_services.upload_filename(file.name)
            try:
                track_services.track_upload(artist=artist, by=request.user, file=file)
            except ValidationError as exc:
                messages.error(request, f"{name}: {' '.join(exc.messages)}")
            except track_services.StorageUnavailableError as exc:
                messages.error(request, f"{name}: {exc.message}")
            else:
                messages.success(request, f"{name}: uploaded; it is being checked and processed.")
        if not files and not refused:
            messages.error(request, "Choose one audio file at least.")
        return redirect("studio:upload", slug=artist.slug)
    recent = selectors.upload_list(user=request.user).filter(artist_id=artist.pk)[:RECENT_UPLOADS]
    context = {
        "artist": artist,
        "form": UploadForm(),
        "recent_rows": [(track, _duration(track.duration_ms)) for track in recent],
        "max_bytes": settings.UPLOAD_MAX_BYTES,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "max_minutes": settings.UPLOAD_MAX_SECONDS // 60,
        "max_files": settings.UPLOAD_MAX_FILES,
    }
    return render(request, "catalog/artist_upload.html", context)


# Tracks.


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
    track = _track(request, track_id)
    form = TrackForm(request.POST or None, initial=_track_initial(track))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        genre_names, featured = data.pop("genres"), data.pop("featured_artists")
        try:
            track_services.track_update(
                track=track, by=request.user, genre_names=genre_names, featured_artists=featured, **data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{track.title}” is saved.")
            return redirect("studio:track", track_id=track.pk)
        track.refresh_from_db()
    context = {
        "track": track,
        "artist": track.artist,
        "album": track.album,
        "duration": _duration(track.duration_ms),
        "form": form,
    }
    return render(request, "catalog/track_edit.html", context)


@login_required
@require_POST
def track_delete(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = _track(request, track_id)
    artist = track.artist
    track_services.track_delete(track=track, by=request.user)
    messages.success(request, f"“{track.title}” is deleted.")
    return redirect("studio:artist", slug=artist.slug)


@login_required
@require_POST
def track_reprocess(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = _track(request, track_id)
    try:
        track_services.track_reprocess(track=track, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{track.title}” is being processed again.")
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


# Albums.


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
    tracks = list(_album_tracks(request, album))
    addable = _addable_tracks(request, album)
    discs = [
        (disc, [(track, _duration(track.duration_ms)) for track in rows])
        for disc, rows in groupby(tracks, key=lambda t: t.disc_number)
    ]
    context = {
        "album": album,
        "artist": album.artist,
        "artwork_url": artwork_url(album.artwork.name, 300),
        "discs": discs,
        "track_count": len(tracks),
        "addable": [(track, _duration(track.duration_ms)) for track in addable],
        "next_disc": max((disc for disc, _rows in discs), default=0) + 1,
        "form": forms.get("form") or AlbumForm(initial=_album_initial(album)),
        "image_form": forms.get("image_form") or ImageForm(),
        "add_form": forms.get("add_form") or TracksAddForm(addable=addable),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(initial={"release_at": album.release_at}),
    }
    return render(request, "catalog/album_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def album_edit(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    if request.method != "POST":
        return _album_page(request, album)
    form = AlbumForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        genre_names = data.pop("genres")
        try:
            album_services.album_update(album=album, by=request.user, genre_names=genre_names, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{album.title}” is saved.")
            return redirect("studio:album", album_id=album.pk)
    album.refresh_from_db()
    return _album_page(request, album, form=form)


@login_required
@require_POST
def album_artwork(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            album_services.album_artwork_set(album=album, by=request.user, file=form.cleaned_data["image"])
        except ArtworkError as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(request, "The artwork is saved.")
            return redirect("studio:album", album_id=album.pk)
    return _album_page(request, album, image_form=form)


@login_required
@require_POST
def album_tracks_add(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    form = TracksAddForm(request.POST, addable=_addable_tracks(request, album))
    if not form.is_valid():
        return _album_page(request, album, add_form=form)
    try:
        added = album_services.album_tracks_add(
            album=album,
            by=request.user,
            track_ids=[t.pk for t in form.cleaned_data["tracks"]],
            disc_number=form.cleaned_data["disc_number"],
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{len(added)} track{'' if len(added) == 1 else 's'} added.")
    return redirect(reverse("studio:album", kwargs={"album_id": album.pk}) + "#tracks")


@login_required
@require_POST
def album_track_remove(request: AuthenticatedHttpRequest, album_id: int, track_id: int) -> HttpResponse:
    album = _album(request, album_id)
    try:
        album_services.album_track_remove(album=album, by=request.user, track_id=track_id)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "The track is off the album; it stays among your uploads.")
    return redirect(reverse("studio:album", kwargs={"album_id": album.pk}) + "#tracks")


@login_required
@require_POST
def album_track_move(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    """The up and down buttons of the running order, for when JavaScript does not do it."""
    album = _album(request, album_id)
    form = TrackMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That track is not on this album.")
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
    album = _album(request, album_id)
    try:
        album_services.album_publish(album=album, by=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"“{album.title}” is published.")
    return redirect("studio:album", album_id=album.pk)


@login_required
@require_POST
def album_unpublish(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    try:
        album_services.album_unpublish(album=album, by=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"“{album.title}” is unpublished: listeners no longer see it.")
    return redirect("studio:album", album_id=album.pk)


@login_required
@require_POST
def album_schedule(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _album_page(request, album, schedule_form=form)
    try:
        album = album_services.album_schedule(album=album, by=request.user, release_at=form.cleaned_data["release_at"])
    except ValidationError as exc:
        refused(request, exc)
    else:
        when = date_format(timezone.localtime(album.release_at), "DATETIME_FORMAT")
        messages.success(request, f"“{album.title}” comes out on {when} ({timezone.get_current_timezone_name()}).")
    return redirect("studio:album", album_id=album.pk)


@login_required
@require_POST
def album_delete(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = _album(request, album_id)
    artist = album.artist
    album_services.album_delete(album=album, by=request.user)
    messages.success(request, f"“{album.title}” is deleted; its tracks stay among your uploads.")
    return redirect("studio:artist", slug=artist.slug)
