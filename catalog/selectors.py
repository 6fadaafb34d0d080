"""Reads on the catalog, each tuned for the page or endpoint that uses it."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from catalog.access import albums_visible_to, artists_editable_by, tracks_visible_to
from catalog.models import Album, Artist, ArtistInvitation, ArtistMembership, Lyrics, Track


def artist_list() -> QuerySet[Artist]:
    return Artist.objects.order_by("name")


def artist_list_editable(*, user: User) -> QuerySet[Artist]:
    return artists_editable_by(user).order_by("name")


def membership_list(*, user: User) -> QuerySet[ArtistMembership]:
    """The artists ``user`` belongs to, with the role in each."""
    return ArtistMembership.objects.filter(user_id=user.pk).select_related("artist").order_by("artist__name")


def artist_members(*, artist_id: int) -> QuerySet[ArtistMembership]:
    return ArtistMembership.objects.filter(artist_id=artist_id).select_related("user").order_by("role", "created_at")


def artist_invitation_list(*, artist_id: int) -> QuerySet[ArtistInvitation]:
    """The artist's invitations waiting for an answer, newest first (for its owners)."""
    pending = ArtistInvitation.objects.filter(artist_id=artist_id, expires_at__gt=timezone.now())
    return pending.select_related("invited_by").order_by("-created_at", "-id")


def _addressed_to(user: User) -> Q:
    return Q(user_id=user.pk) | Q(email=user.email.lower()) if user.email else Q(user_id=user.pk)


def artist_invitations_for(*, user: User) -> QuerySet[ArtistInvitation]:
    """The invitations waiting for ``user``'s answer: to their username, or to their current address."""
    if not user.is_authenticated:
        return ArtistInvitation.objects.none()
    pending = ArtistInvitation.objects.filter(_addressed_to(user), expires_at__gt=timezone.now())
    return pending.select_related("artist", "invited_by").order_by("-created_at", "-id")


def artist_invitations_answerable(*, user: User, token_hash: str = "") -> QuerySet[ArtistInvitation]:
    """The pending invitations ``user`` may accept or decline.

    Those to their username; and those to their current address when
    ``token_hash`` is the one of the mailed link, which proves the address.
    """
    if not user.is_authenticated:
        return ArtistInvitation.objects.none()
    mine = Q(user_id=user.pk)
    if token_hash and user.email:
        mine |= Q(email=user.email.lower(), token_hash=token_hash)
    return ArtistInvitation.objects.filter(mine, expires_at__gt=timezone.now()).select_related("artist", "invited_by")


def _tracks(viewer: User) -> QuerySet[Track]:
    return (
        tracks_visible_to(viewer)
        .select_related("artist", "album", "album__artist")
        .prefetch_related("featured_artists", "genres")
    )


def album_list(*, viewer: User) -> QuerySet[Album]:
    return albums_visible_to(viewer).select_related("artist").prefetch_related("genres")


def album_list_editable(*, user: User) -> QuerySet[Album]:
    """Albums of every state, of the artists ``user`` may edit."""
    editable = artists_editable_by(user).values("pk")
    return Album.objects.filter(artist_id__in=editable).select_related("artist").prefetch_related("genres")


def album_detail(*, album_id: int, viewer: User) -> Album:
    """The album with its tracks in running order, as ``viewer`` may see it (Album.DoesNotExist otherwise)."""
    tracks = _tracks(viewer).order_by("disc_number", "track_number", "id")
    return album_list(viewer=viewer).prefetch_related(Prefetch("tracks", queryset=tracks)).get(pk=album_id)


def track_list(*, viewer: User) -> QuerySet[Track]:
    return _tracks(viewer)


def upload_list(*, user: User) -> QuerySet[Track]:
    """Every track of the artists ``user`` may edit, newest first: their uploads and their states."""
    editable = artists_editable_by(user).values("pk")
    return (
        Track.objects.filter(artist_id__in=editable)
        .select_related("artist", "album", "album__artist")
        .prefetch_related("featured_artists", "genres")
        .order_by("-created_at", "-id")
    )


def lyrics_for(*, track_id: int, viewer: User) -> Lyrics | None:
    """The published lyrics of a track ``viewer`` may see (a draft track's show once its album is published)."""
    visible = tracks_visible_to(viewer).filter(pk=track_id)
    return Lyrics.objects.filter(track__in=visible, state=Lyrics.State.PUBLISHED).first()


def lyrics_draft_for(*, track_id: int, user: User) -> Lyrics | None:
    """The draft lyrics of a track of an artist ``user`` may edit."""
    editable = artists_editable_by(user).values("pk")
    return Lyrics.objects.filter(track_id=track_id, track__artist_id__in=editable, state=Lyrics.State.DRAFT).first()


def track_waveform(*, track_id: int) -> list[int]:
    """The peaks (0-255) the transcode stored for the track, or none before it has run.

    They live on the track's media row, which the streaming app writes; it is
    read through the relation's name, since the catalog imports nothing from
    the floors above it.
    """
    peaks = Track.objects.filter(pk=track_id).values_list("media__waveform", flat=True).first()
    return [int(p) for p in peaks if isinstance(p, int | float)] if isinstance(peaks, list) else []
