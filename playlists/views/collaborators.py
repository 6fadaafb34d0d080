"""Who collaborates on a playlist, as its owner manages them: invitations sent, revoked, collaborators removed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from accounts.models import User
from playlists.forms import CollaboratorForm
from playlists.models import PlaylistInvitation
from playlists.services import invitations as invitation_services
from playlists.services import playlists as services
from playlists.views.lookups import playlist_owned, playlist_visible
from playlists.views.playlists import edit_page


@login_required
@require_POST
def collaborator_add(request: AuthenticatedHttpRequest, playlist_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    form = CollaboratorForm(request.POST)
    if not form.is_valid():
        return edit_page(request, playlist, collaborator_form=form)
    try:
        invitation = invitation_services.playlist_invitation_create(
            playlist=playlist,
            by=request.user,
            invitee=form.cleaned_data["user"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        form.add_error("user", exc)
        return edit_page(request, playlist, collaborator_form=form)
    messages.success(
        request,
        _("%(invitee)s is invited: they may add, remove and reorder tracks once they accept.")
        % {"invitee": invitation.invitee},
    )
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, playlist_id: int, invitation_id: int) -> HttpResponse:
    playlist = playlist_owned(request, playlist_id)
    try:
        invitation_services.playlist_invitation_revoke(playlist=playlist, by=request.user, invitation_id=invitation_id)
    except PlaylistInvitation.DoesNotExist:
        messages.error(request, _("That invitation was answered, revoked or has expired already."))
    else:
        messages.success(request, _("The invitation is revoked: its link no longer works."))
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")


@login_required
@require_POST
def collaborator_remove(request: AuthenticatedHttpRequest, playlist_id: int, user_id: int) -> HttpResponse:
    playlist = playlist_visible(request, playlist_id)
    user = get_object_or_404(User, pk=user_id)
    services.playlist_collaborator_remove(playlist=playlist, by=request.user, user=user)
    if user.pk == request.user.pk:
        messages.success(request, _("You no longer collaborate on “%(name)s”.") % {"name": playlist.name})
        return redirect("playlists:library")
    messages.success(request, _("%(name)s no longer collaborates on this playlist.") % {"name": user.public_name})
    return redirect(reverse("playlists:edit", args=[playlist.pk]) + "#collaborators")
