"""Invitations to join an artist, as the person invited sees and answers them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors
from catalog.models import ArtistInvitation
from catalog.services import invitations as invitation_services
from core.errors import refused


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
            messages.error(request, _("Accept or decline the invitation."))
            return redirect("studio:home")
    except ArtistInvitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    except ValidationError as exc:
        refused(request, exc)
        return redirect("studio:home")
    if answer == "decline":
        messages.success(request, _("You declined the invitation."))
        return redirect("studio:home")
    artist = membership.artist
    messages.success(
        request,
        _("You are now an %(role)s of %(name)s.")
        % {"role": membership.get_role_display().lower(), "name": artist.name},
    )
    return redirect("studio:artist", slug=artist.slug)
