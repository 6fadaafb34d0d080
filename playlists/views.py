"""The listener's pages: playlists, the library and people's profiles.

Every POST calls one service and redirects (or answers JSON to a script that
asks for it); a refusal comes back as a message. A playlist the visitor may
not see answers 404, as if it were not there.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import AuthenticatedHttpRequest
from accounts.models import User
from catalog.access import albums_visible_to, tracks_visible_to
from catalog.artwork import ArtworkError
from catalog.models import Artist
from catalog.services.invitations import invitation_token_hash
from core.errors import refusal_json, refused
from playlists import access, selectors
from playlists.forms import AddTrackForm, CollaboratorForm, CopyForm, CoverForm, MoveForm, PlaylistForm
from playlists.models import Playlist, PlaylistInvitation
from playlists.services import invitations as invitation_services
from playlists.services import items as item_services
from playlists.services import library as library_services
from playlists.services import playlists as services
from streaming.selectors import play_history

ITEMS_PER_PAGE = 100
LIBRARY_PER_PAGE = 50


def _playlist(request: HttpRequest, playlist_id: int) -> Playlist:
    try:
        return selectors.playlist_detail(playlist_id=playlist_id, viewer=request.user)  # type: ignore[arg-type]
    except Playlist.DoesNotExist:
        raise Http404("No such playlist.") from None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form was, if that is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# Playlist pages.


def _playlist_page(request: HttpRequest, playlist: Playlist, *, shared: bool = False) -> HttpResponse:
    user = request.user
    items: Any = selectors.CountedItems(playlist)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    is_owner = access.playlist_is_owner(playlist=playlist, user=user)  # type: ignore[arg-type]
    can_edit = is_owner or (
        user.is_authenticated
        and playlist.collaborative
        and any(link.user_id == user.pk for link in playlist.collaborator_links.all())
    )
    # Through a share link a stranger may read an unlisted playlist, but not open it by id to copy it.
    opens_by_id = not shared or can_edit or playlist.visibility == Playlist.Visibility.PUBLIC
    context = {
        "playlist": playlist,
        "page": page,
        "can_copy": user.is_authenticated and playlist.item_count > 0 and opens_by_id,
        "offset": page.start_index() - 1 if page.object_list else 0,
        "is_owner": is_owner,
        "can_edit": can_edit,
        "is_followed": selectors.playlist_is_followed(playlist=playlist, user=user),  # type: ignore[arg-type]
        "shared": shared,
        "share_url": (
            request.build_absolute_uri(reverse("playlists:shared", args=[playlist.share_token]))
            if is_owner and playlist.share_token
            else ""
        ),
    }
    return render(request, "playlists/playlist_detail.html", context)


def playlist_detail(request: HttpRequest, playlist_id: int) -> HttpResponse:
    return _playlist_page(request, _playlist(request, playlist_id))


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
            messages.success(request, f"“{playlist.name}” is ready: add tracks from any track's + button.")
            return redirect("playlists:detail", playlist_id=playlist.pk)
    return render(request, "playlists/playlist_form.html", {"form": form})


def _edit_page(request: AuthenticatedHttpRequest, playlist: Playlist, **forms: Any) -> HttpResponse:
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


def _owned(request: AuthenticatedHttpRequest, playlist_id: int) -> Playlist:
    playlist = _playlist(request, playlist_id)
    if playlist.owner_id != request.user.pk:
        raise PermissionDenied("Only the owner of this playlist can change it.")
    return playlist


@login_required
@require_http_methods(["GET", "POST"])
def playlist_edit(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    if request.method != "POST":
        return _edit_page(request, playlist)
    form = PlaylistForm(request.POST)
    if form.is_valid():
        try:
            services.playlist_update(playlist=playlist, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The playlist is saved.")
            return redirect("playlists:detail", playlist_id=playlist.pk)
    return _edit_page(request, playlist, form=form)


@login_required
@require_POST
def playlist_cover(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    if request.POST.get("action") == "clear":
        services.playlist_cover_clear(playlist=playlist, by=request.user)
        messages.success(request, "The cover is gone: the playlist shows its first tracks' artwork again.")
        return redirect("playlists:edit", playlist_id=playlist.pk)
    form = CoverForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.playlist_cover_set(playlist=playlist, by=request.user, file=form.cleaned_data["image"])
        except ArtworkError as exc:
            form.add_error("image", str(exc))
        else:
            messages.success(request, "The cover is saved.")
            return redirect("playlists:edit", playlist_id=playlist.pk)
    return _edit_page(request, playlist, cover_form=form)


@login_required
@require_POST
def playlist_delete(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    services.playlist_delete(playlist=playlist, by=request.user)
    messages.success(request, f"“{playlist.name}” is deleted.")
    return redirect("playlists:library")


@login_required
@require_POST
def playlist_share(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    if request.POST.get("action") == "revoke":
        services.playlist_share_revoke(playlist=playlist, by=request.user)
        messages.success(request, "The share link no longer works.")
    else:
        services.playlist_share_renew(playlist=playlist, by=request.user)
        messages.success(request, "A new share link is ready; the old one no longer works.")
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#sharing")


@login_required
@require_POST
def collaborator_add(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    form = CollaboratorForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, playlist, collaborator_form=form)
    try:
        invitation = invitation_services.playlist_invitation_create(
            playlist=playlist,
            by=request.user,
            invitee=form.cleaned_data["user"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        form.add_error("user", exc)
        return _edit_page(request, playlist, collaborator_form=form)
    messages.success(
        request, f"{invitation.invitee} is invited: they may add, remove and reorder tracks once they accept."
    )
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, playlist_id: int, invitation_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    try:
        invitation_services.playlist_invitation_revoke(playlist=playlist, by=request.user, invitation_id=invitation_id)
    except PlaylistInvitation.DoesNotExist:
        messages.error(request, "That invitation was answered, revoked or has expired already.")
    else:
        messages.success(request, "The invitation is revoked: its link no longer works.")
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")


# Invitations, as the person invited sees them.


@login_required
def invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The invitations to collaborate that wait for the listener's answer."""
    rows = selectors.playlist_invitations_for(user=request.user)
    return render(request, "playlists/invitations.html", {"tab": "invitations", "invitations": rows})


@login_required
def invitation(request: AuthenticatedHttpRequest, invitation_id: int, token: str) -> HttpResponse:
    """Where the mailed link leads: the invitation, to accept or decline, for the account it is for only."""
    answerable = selectors.playlist_invitations_answerable(user=request.user, token_hash=invitation_token_hash(token))
    found = get_object_or_404(answerable, pk=invitation_id)
    return render(request, "playlists/invitation.html", {"invitation": found, "token": token})


@login_required
@require_POST
def invitation_answer(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline, from the invitations page or from the mailed link's page (which sends its token)."""
    token = request.POST.get("token", "")[:64]
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            playlist = invitation_services.playlist_invitation_accept(
                invitation_id=invitation_id, user=request.user, token=token
            )
        elif answer == "decline":
            invitation_services.playlist_invitation_decline(invitation_id=invitation_id, user=request.user, token=token)
        else:
            messages.error(request, "Accept or decline the invitation.")
            return redirect("playlists:invitations")
    except PlaylistInvitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    except ValidationError as exc:
        refused(request, exc)
        return redirect("playlists:invitations")
    if answer == "decline":
        messages.success(request, "You declined the invitation.")
        return redirect("playlists:invitations")
    messages.success(request, f"You now collaborate on “{playlist.name}”: add, remove and reorder its tracks.")
    return redirect("playlists:detail", playlist_id=playlist.pk)


@login_required
@require_POST
def collaborator_remove(request: AuthenticatedHttpRequest, playlist_id: int, user_id: int) -> HttpResponse:
    playlist = _playlist(request, playlist_id)
    user = get_object_or_404(User, pk=user_id)
    services.playlist_collaborator_remove(playlist=playlist, by=request.user, user=user)
    if user.pk == request.user.pk:
        messages.success(request, f"You no longer collaborate on “{playlist.name}”.")
        return redirect("playlists:library")
    messages.success(request, f"{user.public_name} no longer collaborates on this playlist.")
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")


@login_required
@require_POST
def playlist_follow(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _playlist(request, playlist_id)
    try:
        if request.POST.get("action") == "unfollow":
            services.playlist_unfollow(playlist=playlist, user=request.user)
            messages.success(request, f"“{playlist.name}” is no longer in your library.")
        else:
            services.playlist_follow(playlist=playlist, user=request.user)
            messages.success(request, f"“{playlist.name}” is in your library.")
    except ValidationError as exc:
        refused(request, exc)
    return redirect("playlists:detail", playlist_id=playlist.pk)


@login_required
@require_POST
def playlist_copy(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = _playlist(request, playlist_id)
    form = CopyForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    copy = services.playlist_copy(playlist=playlist, by=request.user, name=name)
    messages.success(request, f"“{copy.name}” is yours: a private copy with {copy.item_count} tracks.")
    return redirect("playlists:detail", playlist_id=copy.pk)


# Tracks in a playlist.


@login_required
@require_POST
def track_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The "add to playlist" menu of every track row."""
    form = AddTrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a playlist to add the track to.")
        return _back(request, reverse("playlists:library"))
    playlist = _playlist(request, form.cleaned_data["playlist"])
    try:
        playlist = item_services.playlist_items_add(
            playlist=playlist, by=request.user, track_ids=[form.cleaned_data["track"]]
        )
    except (ValidationError, PermissionDenied) as exc:
        if _wants_json(request):
            return refusal_json(exc)
        refused(request, exc)
    else:
        if _wants_json(request):
            return JsonResponse({"snapshot_id": playlist.snapshot_id, "message": f"Added to “{playlist.name}”."})
        messages.success(request, f"Added to “{playlist.name}”.")
    return _back(request, reverse("playlists:detail", args=[playlist.pk]))


@login_required
@require_POST
def item_remove(request: AuthenticatedHttpRequest, playlist_id: int, item_id: int) -> HttpResponse:
    playlist = _playlist(request, playlist_id)
    try:
        item_services.playlist_items_remove(playlist=playlist, by=request.user, item_ids=[item_id])
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
    else:
        messages.success(request, "The track is off the playlist.")
    return _back(request, reverse("playlists:detail", args=[playlist.pk]))


@login_required
@require_POST
def item_move(request: AuthenticatedHttpRequest, playlist_id: int, item_id: int) -> HttpResponse:
    """The up and down buttons, for when JavaScript does not move the row itself."""
    playlist = _playlist(request, playlist_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Move a track up or down.")
    else:
        try:
            item_services.playlist_item_step(
                playlist=playlist, by=request.user, item_id=item_id, direction=form.cleaned_data["direction"]
            )
        except (ValidationError, PermissionDenied) as exc:
            refused(request, exc)
    response = _back(request, reverse("playlists:detail", args=[playlist.pk]))
    response["Location"] = response["Location"].split("#")[0] + f"#item-{item_id}"
    return response


# The library.


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
    if _wants_json(request):
        return JsonResponse({"liked": liked})
    messages.success(request, "Added to Liked Songs." if liked else "Removed from Liked Songs.")
    return _back(request, reverse("playlists:library_tracks"))


@login_required
@require_POST
def album_save(request: AuthenticatedHttpRequest, album_id: int) -> HttpResponse:
    album = get_object_or_404(albums_visible_to(request.user), pk=album_id)
    if request.POST.get("action") == "remove":
        library_services.albums_unsave(user=request.user, album_ids=[album.pk])
        messages.success(request, f"“{album.title}” is no longer in your library.")
    else:
        library_services.albums_save(user=request.user, album_ids=[album.pk])
        messages.success(request, f"“{album.title}” is in your library.")
    return _back(request, reverse("playlists:library_albums"))


@login_required
@require_POST
def artist_follow(request: AuthenticatedHttpRequest, artist_id: int) -> HttpResponse:
    artist = get_object_or_404(Artist, pk=artist_id)
    if request.POST.get("action") == "unfollow":
        library_services.artists_unfollow(user=request.user, artist_ids=[artist.pk])
        messages.success(request, f"You no longer follow {artist.name}.")
    else:
        library_services.artists_follow(user=request.user, artist_ids=[artist.pk])
        messages.success(request, f"You follow {artist.name}.")
    return _back(request, reverse("playlists:library_artists"))


# People.


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username__iexact=username, is_active=True)
    playlists = selectors.playlist_list_public(owner=person)
    page = Paginator(playlists, LIBRARY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "playlists/profile.html", {"person": person, "page": page})
