"""A playlist's own pages: read (by id or through its share link), made, edited, shared, followed, copied, deleted.

What the visitor may do on the page is decided in ``playlists.access.playlist_rights``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog.artwork import ArtworkError
from core.errors import refused
from playlists import access, selectors
from playlists.forms import CollaboratorForm, CopyForm, CoverForm, PlaylistForm
from playlists.models import Playlist
from playlists.services import playlists as services
from playlists.views.lookups import playlist_owned, playlist_visible

ITEMS_PER_PAGE = 100


def _playlist_page(request: HttpRequest, playlist: Playlist, *, shared: bool = False) -> HttpResponse:
    user = request.user
    items: Any = selectors.CountedItems(playlist)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rights = access.playlist_rights(playlist=playlist, user=user)  # type: ignore[arg-type]
    context = {
        "playlist": playlist,
        "page": page,
        "can_copy": rights.can_copy,
        "offset": page.start_index() - 1 if page.object_list else 0,
        "is_owner": rights.is_owner,
        "can_edit": rights.can_edit,
        "is_followed": selectors.playlist_is_followed(playlist=playlist, user=user),  # type: ignore[arg-type]
        "shared": shared,
        "share_url": (
            request.build_absolute_uri(reverse("playlists:shared", args=[playlist.share_token]))
            if rights.is_owner and playlist.share_token
            else ""
        ),
    }
    return render(request, "playlists/playlist_detail.html", context)


def playlist_detail(request: HttpRequest, playlist_id: int) -> HttpResponse:
    return _playlist_page(request, playlist_visible(request, playlist_id))


def playlist_shared(request: HttpRequest, token: str) -> HttpResponse:
    try:
        playlist = selectors.playlist_by_share_token(token=token)
    except Playlist.DoesNotExist:
        raise Http404("This share link does not open anything (any more).") from None
    return _playlist_page(request, playlist, shared=True)


@login_required
@require_http_methods(["GET", "POST"])
def playlist_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlaylistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            playlist = services.playlist_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("“%(name)s” is ready: add tracks from any track's + button.") % {"name": playlist.name}
            )
            return redirect("playlists:detail", playlist_id=playlist.pk)
    return render(request, "playlists/playlist_form.html", {"form": form})


def edit_page(request: AuthenticatedHttpRequest, playlist: Playlist, **forms: Any) -> HttpResponse:
    initial = {
        "name": playlist.name,
        "description": playlist.description,
        "visibility": playlist.visibility,
        "collaborative": playlist.collaborative,
    }
    context = {
        "playlist": playlist,
        "form": forms.get("form") or PlaylistForm(initial=initial),
        "cover_form": forms.get("cover_form") or CoverForm(),
        "collaborator_form": forms.get("collaborator_form") or CollaboratorForm(),
        "invitations": selectors.playlist_invitation_list(playlist_id=playlist.pk),
        "share_url": (
            request.build_absolute_uri(reverse("playlists:shared", args=[playlist.share_token]))
            if playlist.share_token
            else ""
        ),
    }
    return render(request, "playlists/playlist_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def playlist_edit(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    if request.method != "POST":
        return edit_page(request, playlist)
    form = PlaylistForm(request.POST)
    if form.is_valid():
        try:
            services.playlist_update(playlist=playlist, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The playlist is saved."))
            return redirect("playlists:detail", playlist_id=playlist.pk)
    return edit_page(request, playlist, form=form)


@login_required
@require_POST
def playlist_cover(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    if request.POST.get("action") == "clear":
        services.playlist_cover_clear(playlist=playlist, by=request.user)
        messages.success(request, _("The cover is gone: the playlist shows its first tracks' artwork again."))
        return redirect("playlists:edit", playlist_id=playlist.pk)
    form = CoverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.playlist_cover_set(playlist=playlist, by=request.user, file=form.cleaned_data["image"])
        except ArtworkError as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(request, _("The cover is saved."))
            return redirect("playlists:edit", playlist_id=playlist.pk)
    return edit_page(request, playlist, cover_form=form)


@login_required
@require_POST
def playlist_delete(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    services.playlist_delete(playlist=playlist, by=request.user)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": playlist.name})
    return redirect("playlists:library")


@login_required
@require_POST
def playlist_share(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    if request.POST.get("action") == "revoke":
        services.playlist_share_revoke(playlist=playlist, by=request.user)
        messages.success(request, _("The share link no longer works."))
    else:
        services.playlist_share_renew(playlist=playlist, by=request.user)
        messages.success(request, _("A new share link is ready; the old one no longer works."))
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#sharing")


@login_required
@require_POST
def playlist_follow(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_visible(request, playlist_id)
    try:
        if request.POST.get("action") == "unfollow":
            services.playlist_unfollow(playlist=playlist, user=request.user)
            messages.success(request, _("“%(name)s” is no longer in your library.") % {"name": playlist.name})
        else:
            services.playlist_follow(playlist=playlist, user=request.user)
            messages.success(request, _("“%(name)s” is in your library.") % {"name": playlist.name})
    except ValidationError as exc:
        refused(request, exc)
    return redirect("playlists:detail", playlist_id=playlist.pk)


@login_required
@require_POST
def playlist_copy(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_visible(request, playlist_id)
    form = CopyForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    copy = services.playlist_copy(playlist=playlist, by=request.user, name=name)
    messages.success(
        request,
        _("“%(name)s” is yours: a private copy with %(item_count)s tracks.")
        % {"name": copy.name, "item_count": copy.item_count},
    )
    return redirect("playlists:detail", playlist_id=copy.pk)
