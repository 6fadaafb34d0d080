"""Invitations to collaborate on a playlist: nobody becomes a collaborator without saying yes.

They work as the artists' invitations do (see catalog.services.invitations):
the owner names a person by username or address, the answer never tells
whether an address has an account, the person is mailed a link, and an
invitation sent to an address is answered with that link's secret.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from catalog.services.invitations import (
    MAX_PENDING,
    invitation_expiry,
    invitation_mail_lines,
    invitation_mail_send,
    invitation_token_hash,
    invitation_token_new,
    invitee_parse,
)
from playlists import selectors
from playlists.access import require_owner
from playlists.models import Playlist, PlaylistCollaborator, PlaylistInvitation
from playlists.services.items import playlist_lock
from playlists.services.playlists import playlist_collaborator_add


def _link(base_url: str, invitation: PlaylistInvitation, token: str) -> str:
    return f"{base_url.rstrip('/')}{reverse('playlists:invitation', args=[invitation.pk, token])}"


@transaction.atomic
def playlist_invitation_create(*, playlist: Playlist, by: User, invitee: str, base_url: str) -> PlaylistInvitation:
    """Invite someone to add, remove and reorder the playlist's tracks, and mail them the link.

    Inviting the same person again keeps the one pending invitation and sends
    nothing more.
    """
    require_owner(playlist=playlist, user=by)
    user, email = invitee_parse(invitee)
    if user is not None and user.pk == playlist.owner_id:
        raise ValidationError(gettext("You own this playlist already."), code="owner")
    if user is not None and PlaylistCollaborator.objects.filter(playlist_id=playlist.pk, user_id=user.pk).exists():
        raise ValidationError(
            gettext("%(name)s collaborates on this playlist already.") % {"name": user.public_name},
            code="already_collaborator",
        )
    # One invitation at a time per playlist: the count and the look-up below hold until commit.
    locked = playlist_lock(playlist_id=playlist.pk)
    PlaylistInvitation.objects.filter(playlist_id=locked.pk, expires_at__lte=timezone.now()).delete()
    same: dict[str, int | str] = {"user_id": user.pk} if user is not None else {"email": email}
    existing = PlaylistInvitation.objects.filter(playlist_id=locked.pk, **same).first()
    if existing is not None:
        return existing
    if PlaylistInvitation.objects.filter(playlist_id=locked.pk).count() >= MAX_PENDING:
        raise ValidationError(
            gettext("This playlist has %(MAX_PENDING)s invitations waiting for an answer: revoke some first.")
            % {"MAX_PENDING": MAX_PENDING},
            code="too_many",
        )
    token, token_hash = invitation_token_new()
    invitation = PlaylistInvitation.objects.create(
        playlist=locked,
        invited_by=by,
        user=user,
        email=email,
        invitee=invitee.strip(),
        token_hash=token_hash,
        expires_at=invitation_expiry(),
    )
    what = f"{by.public_name} invites you to add, remove and reorder the tracks of the playlist “{locked.name}”."
    link = _link(base_url, invitation, token)
    invitation_mail_send(
        to=email or (user.email if user is not None else ""),
        subject=f"Collaborate on “{locked.name}” on spotifyclone",
        lines=invitation_mail_lines(what=what, link=link, expires_at=invitation.expires_at),
    )
    return invitation


@transaction.atomic
def playlist_invitation_revoke(*, playlist: Playlist, by: User, invitation_id: int) -> None:
    """The owner takes back a pending invitation (PlaylistInvitation.DoesNotExist if there is none such)."""
    require_owner(playlist=playlist, user=by)
    deleted, _ = PlaylistInvitation.objects.filter(playlist_id=playlist.pk, pk=invitation_id).delete()
    if not deleted:
        raise PlaylistInvitation.DoesNotExist("No such invitation.")


def _answerable(*, invitation_id: int, user: User, token: str) -> PlaylistInvitation:
    token_hash = invitation_token_hash(token) if token else ""
    answerable = selectors.playlist_invitations_answerable(user=user, token_hash=token_hash)
    invitation = answerable.select_for_update(of=("self",)).filter(pk=invitation_id).first()
    if invitation is None:
        raise PlaylistInvitation.DoesNotExist("No such invitation.")
    return invitation


@transaction.atomic
def playlist_invitation_accept(*, invitation_id: int, user: User, token: str = "") -> Playlist:
    """``user`` becomes a collaborator (the playlist turns collaborative); the invitation is used up.

    PlaylistInvitation.DoesNotExist unless it is addressed to ``user`` (with
    the link's ``token`` for one sent to an address), pending and not expired.
    """
    invitation = _answerable(invitation_id=invitation_id, user=user, token=token)
    playlist = invitation.playlist
    playlist = playlist_collaborator_add(playlist=playlist, by=playlist.owner, user=user)
    invitation.delete()
    return playlist


@transaction.atomic
def playlist_invitation_decline(*, invitation_id: int, user: User, token: str = "") -> None:
    """``user`` says no: the invitation is gone (PlaylistInvitation.DoesNotExist as for accepting)."""
    _answerable(invitation_id=invitation_id, user=user, token=token).delete()
