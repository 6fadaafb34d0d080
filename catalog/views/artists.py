"""The studio's home (my artists, and a new one) and an artist's dashboard, where albums are started."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.auth import AuthenticatedHttpRequest
from catalog import access, selectors
from catalog.artwork import ArtworkError, artwork_url
from catalog.forms import AlbumForm, ArtistEditForm, ArtistForm
from catalog.models import Artist
from catalog.services import albums as album_services
from catalog.services import artists as artist_services
from catalog.views.lookups import editable_artist
from catalog.views.refusals import form_refused
from catalog.views.rows import track_rows
from core.forms import form_focused

UPLOADS_PER_PAGE = 50


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
            form_refused(form, exc)
        else:
            messages.success(request, _("%(name)s is ready. Upload its first tracks.") % {"name": artist.name})
            return redirect("studio:artist", slug=artist.slug)
    # Only the artists I belong to, with my role in each (staff may edit any, but these are theirs).
    memberships = selectors.membership_list(user=request.user)
    rows = [(m.artist, m.get_role_display(), artwork_url(m.artist.image.name, 300)) for m in memberships]
    invitations = selectors.artist_invitations_for(user=request.user)
    context = {"artists": rows, "form": form_focused(form), "invitations": invitations}
    return render(request, "catalog/studio_home.html", context)


# The artist dashboard.


def _dashboard(request: AuthenticatedHttpRequest, artist: Artist, **forms: Form) -> HttpResponse:
    albums = selectors.album_list_editable(user=request.user).filter(artist_id=artist.pk).order_by("-created_at", "-id")
    uploads = selectors.upload_list(user=request.user).filter(artist_id=artist.pk)
    for form in forms.values():
        form_focused(form)
    page = Paginator(uploads, UPLOADS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "artist": artist,
        "picture_url": artwork_url(artist.image.name, 300),
        "albums": [(album, artwork_url(album.artwork.name, 300)) for album in albums],
        "uploads": page,
        "upload_rows": track_rows(page),
        "can_manage": access.artist_can_manage(artist_id=artist.pk, user=request.user),
        "edit_form": forms.get("edit_form") or ArtistEditForm(initial={"name": artist.name, "bio": artist.bio}),
        "album_form": forms.get("album_form") or AlbumForm(),
    }
    return render(request, "catalog/artist_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def artist_dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The dashboard, and its two forms, which post to it: the artist page and (``form=album``) a new album."""
    artist = editable_artist(request, slug)
    if request.method != "POST":
        return _dashboard(request, artist)
    if request.POST.get("form") == "album":
        return _album_create_post(request, artist)
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
            form_refused(form, exc)
        else:
            messages.success(request, _("The artist page is saved."))
            return redirect("studio:artist", slug=artist.slug)
    artist.refresh_from_db()  # a refused change may have been half-applied in memory: show what is stored
    return _dashboard(request, artist, edit_form=form)


def _album_create_post(request: AuthenticatedHttpRequest, artist: Artist) -> HttpResponse:
    form = AlbumForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        genre_names = data.pop("genres")
        try:
            album = album_services.album_create(artist_id=artist.pk, by=request.user, genre_names=genre_names, **data)
        except ValidationError as exc:
            form_refused(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is a draft: add its tracks and artwork, then publish it.") % {"title": album.title},
            )
            return redirect("studio:album", album_id=album.pk)
    return _dashboard(request, artist, album_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def album_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The new album form's former address: a POST still makes the album, a GET goes to the dashboard."""
    artist = editable_artist(request, slug)
    if request.method != "POST":
        return redirect("studio:artist", slug=artist.slug)
    return _album_create_post(request, artist)
