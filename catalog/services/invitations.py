"""Invitations to help run an artist: nobody becomes a member without saying yes.

An owner names a person by username or e-mail address; the person gets a mail
with a link and accepts or declines. The answer to the owner is the same
whether or not an address has an account, so inviting never tells who is
signed up. The helpers at the top are shared with the playlists' invitations.

Who may answer: the account invited by its username, or the account whose
current address is the one invited, holding the secret of the mailed link.
The link is what proves the address: the site does not otherwise check that
an account's address is its holder's, so an account opened with someone
else's address cannot take their invitation.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import User
from catalog import selectors
from catalog.access import artist_can_manage, require_manage
from catalog.models import Artist, ArtistInvitation, ArtistMembership
from catalog.services.artists import artist_member_add

INVITATION_DAYS = 14
# Pending invitations one artist or playlist may have at once: an owner cannot mail the world.
MAX_PENDING = 20


def invitation_token_new() -> tuple[str, str]:
    """A secret for a mailed link, and the hash of it that is stored."""
    token = secrets.token_urlsafe(24)
    return token, invitation_token_hash(token)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=INVITATION_DAYS)


def invitee_parse(identifier: str) -> tuple[User | None, str]:
    """The account a username names (and ""), or None and the lower-cased address an e-mail names.

    An address is never looked up: whether it has an account is nobody's
    business but its holder's. A username is public (profiles show it), so an
    unknown one is an error: nobody could ever answer that invitation.
    """
    identifier = identifier.strip()
    if not identifier:
        raise ValidationError(gettext("Give a username or an e-mail address."), code="invalid")
    if "@" in identifier:
        try:
            validate_email(identifier)
        except ValidationError:
            pass  # usernames may hold an "@" too
        else:
            return None, identifier.lower()
    user = User.objects.filter(username__iexact=identifier, is_active=True).first()
    if user is None:
        raise ValidationError(
            gettext("Nobody is called “%(identifier)s” here. To invite someone new, give their e-mail address.")
            % {"identifier": identifier},
            code="unknown_user",
        )
    return user, ""


def invitation_mail_send(*, to: str, subject: str, lines: list[str]) -> None:
    """Mail an invitation once the transaction that made it commits; a mail server's failure is logged only."""
    body = "\n\n".join(lines) + "\n"
    subject = " ".join(subject.split())  # a name with a line break in it must not break the header
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False), robust=True
    )


def invitation_mail_lines(*, what: str, link: str, expires_at: datetime) -> list[str]:
    when = date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
    return [
        what,
        f"To accept or decline it, open this link, signed in to the account this message was sent for "
        f"(or create one with this address first):\n{link}",
        f"The invitation expires on {when} ({timezone.get_current_timezone_name()}). "
        "If you did not expect it, ignore this message: nothing happens unless you accept.",
    ]


def _link(base_url: str, invitation: ArtistInvitation, token: str) -> str:
    return f"{base_url.rstrip('/')}{reverse('studio:invitation', args=[invitation.pk, token])}"


@transaction.atomic
def artist_invitation_create(
    *, artist: Artist, by: User, invitee: str, role: str = ArtistMembership.Role.EDITOR, base_url: str
) -> ArtistInvitation:
    """Invite someone to become a member of ``artist`` with ``role``, and mail them the link.

    Inviting the same person again keeps the one pending invitation (with the
    role last given) and sends nothing more.
    """
    require_manage(artist_id=artist.pk, user=by)
    role = ArtistMembership.Role(role)
    user, email = invitee_parse(invitee)
    if user is not None and ArtistMembership.objects.filter(artist_id=artist.pk, user_id=user.pk).exists():
        raise ValidationError(
            gettext("%(name)s is already a member.") % {"name": user.public_name}, code="already_member"
        )
    # One invitation at a time per artist: the count and the look-up below hold until commit.
    Artist.objects.select_for_update().filter(pk=artist.pk).first()
    now = timezone.now()
    ArtistInvitation.objects.filter(artist_id=artist.pk, expires_at__lte=now).delete()
    same: dict[str, int | str] = {"user_id": user.pk} if user is not None else {"email": email}
    existing = ArtistInvitation.objects.filter(artist_id=artist.pk, **same).first()
    if existing is not None:
        if existing.role != role:
            existing.role = role
            existing.save(update_fields=["role"])
        return existing
    if ArtistInvitation.objects.filter(artist_id=artist.pk).count() >= MAX_PENDING:
        raise ValidationError(
            gettext("%(name)s has %(MAX_PENDING)s invitations waiting for an answer: revoke some first.")
            % {"name": artist.name, "MAX_PENDING": MAX_PENDING},
            code="too_many",
        )
    token, token_hash = invitation_token_new()
    invitation = ArtistInvitation.objects.create(
        artist=artist,
        invited_by=by,
        user=user,
        email=email,
        invitee=invitee.strip(),
        role=role,
        token_hash=token_hash,
        expires_at=invitation_expiry(),
    )
    what = f"{by.public_name} invites you to help run {artist.name} on spotifyclone, as an {role.label.lower()}."
    link = _link(base_url, invitation, token)
    invitation_mail_send(
        to=email or (user.email if user is not None else ""),
        subject=f"Join {artist.name} on spotifyclone",
        lines=invitation_mail_lines(what=what, link=link, expires_at=invitation.expires_at),
    )
    return invitation


@transaction.atomic
def artist_invitation_revoke(*, artist: Artist, by: User, invitation_id: int) -> None:
    """The owners take back a pending invitation (ArtistInvitation.DoesNotExist if there is none such)."""
    require_manage(artist_id=artist.pk, user=by)
    deleted, _ = ArtistInvitation.objects.filter(artist_id=artist.pk, pk=invitation_id).delete()
    if not deleted:
        raise ArtistInvitation.DoesNotExist("No such invitation.")


def _answerable(*, invitation_id: int, user: User, token: str) -> ArtistInvitation:
    invitation = (
        selectors.artist_invitations_answerable(user=user, token_hash=invitation_token_hash(token) if token else "")
        .select_for_update(of=("self",))  # only the invitation: the joined rows may be missing
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise ArtistInvitation.DoesNotExist("No such invitation.")
    return invitation


@transaction.atomic
def artist_invitation_accept(*, invitation_id: int, user: User, token: str = "") -> ArtistMembership:
    """``user`` joins the artist with the invited role; the invitation is used up.

    ArtistInvitation.DoesNotExist unless it is addressed to ``user`` (with the
    link's ``token`` for one sent to an address), pending and not expired.
    """
    invitation = _answerable(invitation_id=invitation_id, user=user, token=token)
    artist, inviter = invitation.artist, invitation.invited_by
    membership = ArtistMembership.objects.filter(artist_id=artist.pk, user_id=user.pk).first()
    if membership is None:
        if inviter is None or not artist_can_manage(artist_id=artist.pk, user=inviter):
            raise ValidationError(
                gettext("Whoever invited you no longer runs %(name)s: ask its owners for a new invitation.")
                % {"name": artist.name},
                code="invitation_void",
            )
        membership = artist_member_add(artist=artist, by=inviter, user=user, role=invitation.role)
    invitation.delete()
    return membership


@transaction.atomic
def artist_invitation_decline(*, invitation_id: int, user: User, token: str = "") -> None:
    """``user`` says no: the invitation is gone (ArtistInvitation.DoesNotExist as for accepting)."""
    _answerable(invitation_id=invitation_id, user=user, token=token).delete()
