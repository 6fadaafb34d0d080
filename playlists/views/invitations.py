"""Invitations to collaborate, as the person invited sees them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog.services.invitations import invitation_token_hash
from core.errors import refused
from playlists import selectors
from playlists.models import PlaylistInvitation
from playlists.services import invitations as invitation_services


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
            messages.error(request, _("Accept or decline the invitation."))
            return redirect("playlists:invitations")
    except PlaylistInvitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    except ValidationError as exc:
        refused(request, exc)
        return redirect("playlists:invitations")
    if answer == "decline":
        messages.success(request, _("You declined the invitation."))
        return redirect("playlists:invitations")
    messages.success(
        request, _("You now collaborate on “%(name)s”: add, remove and reorder its tracks.") % {"name": playlist.name}
    )
    return redirect("playlists:detail", playlist_id=playlist.pk)
