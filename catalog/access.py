"""Who may change an artist's catalog: its members (owners and editors), and staff.

Owners also manage who the members are. Each check is one query, filtered by
the user, never a fetch followed by a comparison.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Album, Artist, ArtistMembership, Track


def _membership(*, artist_id: int, user: User) -> QuerySet[ArtistMembership]:
    return ArtistMembership.objects.filter(artist_id=artist_id, user_id=user.pk)


def _member_artist_ids(user: User) -> QuerySet[ArtistMembership, Any]:
    return ArtistMembership.objects.filter(user_id=user.pk).values("artist_id")


def artist_can_edit(*, artist_id: int, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or _membership(artist_id=artist_id, user=user).exists()


def artist_can_manage(*, artist_id: int, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff or _membership(artist_id=artist_id, user=user).filter(role=ArtistMembership.Role.OWNER).exists()
    )


def require_edit(*, artist_id: int, user: User) -> None:
    if not artist_can_edit(artist_id=artist_id, user=user):
        raise PermissionDenied(_("Only the artist's members can do this."))


def require_manage(*, artist_id: int, user: User) -> None:
    if not artist_can_manage(artist_id=artist_id, user=user):
        raise PermissionDenied(_("Only the artist's owners can do this."))


def artists_editable_by(user: User) -> QuerySet[Artist]:
    if not user.is_authenticated:
        return Artist.objects.none()
    if user.is_staff:
        return Artist.objects.all()
    return Artist.objects.filter(pk__in=_member_artist_ids(user))


def albums_visible_to(user: User) -> QuerySet[Album]:
    """Published albums for everyone; drafts and the rest too for the artist's members."""
    published = Q(status=Album.Status.PUBLISHED)
    if not user.is_authenticated:
        return Album.objects.filter(published)
    if user.is_staff:
        return Album.objects.all()
    return Album.objects.filter(published | Q(artist_id__in=_member_artist_ids(user)))


def tracks_visible_to(user: User) -> QuerySet[Track]:
    """Ready tracks of published albums for everyone; every track of their artists for members."""
    playable = Q(status=Track.Status.READY, album__status=Album.Status.PUBLISHED)
    if not user.is_authenticated:
        return Track.objects.filter(playable)
    if user.is_staff:
        return Track.objects.all()
    return Track.objects.filter(playable | Q(artist_id__in=_member_artist_ids(user)))
