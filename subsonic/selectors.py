"""Reads for the Subsonic API: published music only, and what the caller's library says of it.

Subsonic apps browse the whole collection, so everything here is the catalog
as every listener sees it (ready tracks on published albums), whoever asks:
an artist's drafts stay in the studio.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import CharField, Count, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat

from accounts.models import User
from catalog.models import Album, Artist, Genre, Lyrics, Track
from playlists.access import playlists_listed_for, playlists_visible_to
from playlists.models import FollowedArtist, LikedTrack, Playlist, PlaylistFollow, SavedAlbum
from streaming.models import Play, PlaybackState
from streaming.selectors import HEARD
from subsonic import secrets
from subsonic.models import Rating, SubsonicCredential

PUBLISHED = Q(status=Album.Status.PUBLISHED)
PLAYABLE = Q(status=Track.Status.READY, album__status=Album.Status.PUBLISHED)
_ALBUM_TRACKS = Q(tracks__status=Track.Status.READY)


def tracks_published() -> QuerySet[Track]:
    return (
        Track.objects.filter(PLAYABLE)
        .select_related("artist", "album", "media")
        .prefetch_related("genres")
        .order_by("album_id", "disc_number", "track_number", "id")
    )


def lyrics_published(*, track_id: int) -> Lyrics | None:
    """The published lyrics of a playable track."""
    return (
        Lyrics.objects.filter(track__in=Track.objects.filter(PLAYABLE), track_id=track_id, state=Lyrics.State.PUBLISHED)
        .select_related("track", "track__artist")
        .first()
    )


def lyrics_by_name(*, artist: str, title: str) -> Lyrics | None:
    """The published lyrics of the most played playable track of that artist and title (either may be blank)."""
    found = Lyrics.objects.filter(track__in=Track.objects.filter(PLAYABLE), state=Lyrics.State.PUBLISHED)
    if artist:
        found = found.filter(track__artist__name__iexact=artist)
    if title:
        found = found.filter(track__title__iexact=title)
    return found.select_related("track", "track__artist").order_by("-track__play_count", "track_id").first()


def albums_published() -> QuerySet[Album]:
    return (
        Album.objects.filter(PUBLISHED)
        .select_related("artist")
        .prefetch_related("genres")
        .annotate(
            song_count=Count("tracks", filter=_ALBUM_TRACKS),
            duration_total_ms=Sum("tracks__duration_ms", filter=_ALBUM_TRACKS),
            plays=Sum("tracks__play_count", filter=_ALBUM_TRACKS),
        )
    )


def artists_published() -> QuerySet[Artist]:
    """Artists with a published album at least, with how many they have."""
    return (
        Artist.objects.annotate(album_count=Count("albums", filter=Q(albums__status=Album.Status.PUBLISHED)))
        .filter(album_count__gt=0)
        .order_by("name", "id")
    )


def genres_counted() -> QuerySet[Genre]:
    return (
        Genre.objects.annotate(
            song_count=Count(
                "tracks", filter=Q(tracks__status=Track.Status.READY, tracks__album__status="published"), distinct=True
            ),
            album_count=Count("albums", filter=Q(albums__status=Album.Status.PUBLISHED), distinct=True),
        )
        .filter(Q(song_count__gt=0) | Q(album_count__gt=0))
        .order_by("name")
    )


def albums_recently_played(*, user: User) -> QuerySet[Album]:
    last = Play.objects.filter(HEARD, user_id=user.pk, track__album_id__isnull=False)  # as the history shows
    return albums_published().filter(tracks__plays__in=last).annotate(last_played=Max("tracks__plays__started_at"))


def playlists_listed(*, user: User) -> QuerySet[Playlist]:
    """The playlists an app lists for ``user``: their own, those they collaborate on, and public ones they follow."""
    followed = PlaylistFollow.objects.filter(user_id=user.pk).values("playlist_id")
    return (
        playlists_visible_to(user)
        .filter(Q(pk__in=playlists_listed_for(user).values("pk")) | Q(pk__in=followed))
        .select_related("owner")
        .order_by("-updated_at", "-id")
    )


def playlist_visible(*, user: User, playlist_id: int) -> Playlist | None:
    return playlists_visible_to(user).select_related("owner").filter(pk=playlist_id).first()


def playback_state(*, user: User) -> PlaybackState | None:
    return PlaybackState.objects.select_related("device").filter(user_id=user.pk).first()


@dataclass
class Library:
    """What the caller starred and rated, read once per request when a shape needs it."""

    user: User

    @cached_property
    def liked(self) -> dict[int, dt.datetime]:
        return dict(LikedTrack.objects.filter(user_id=self.user.pk).values_list("track_id", "added_at"))

    @cached_property
    def saved(self) -> dict[int, dt.datetime]:
        return dict(SavedAlbum.objects.filter(user_id=self.user.pk).values_list("album_id", "added_at"))

    @cached_property
    def followed(self) -> dict[int, dt.datetime]:
        return dict(FollowedArtist.objects.filter(user_id=self.user.pk).values_list("artist_id", "added_at"))

    @cached_property
    def ratings(self) -> dict[str, int]:
        return dict(Rating.objects.filter(user_id=self.user.pk).values_list("item", "rating"))


@dataclass(frozen=True)
class SubsonicSecrets:
    username: str
    password: str
    api_key: str


def subsonic_secrets(*, user: User) -> SubsonicSecrets | None:
    """The listener's Subsonic password and API key; ``None`` before they make them, or when this install's key
    cannot read them any more (a new ``SUBSONIC_SECRET_KEY``)."""
    credential = SubsonicCredential.objects.filter(user_id=user.pk).first()
    if credential is None:
        return None
    password = secrets.secret_decrypt(credential.password_encrypted)
    api_key = secrets.secret_decrypt(credential.api_key_encrypted)
    if password is None or api_key is None:
        return None
    return SubsonicSecrets(username=user.username, password=password, api_key=api_key)


def albums_by_rating(*, user: User) -> QuerySet[Album]:
    """The albums ``user`` rated, highest first, ordered in the database so that a page follows the one before."""
    rating = Rating.objects.filter(
        user_id=user.pk, item=Concat(Value("al-"), Cast(OuterRef("pk"), output_field=CharField()))
    ).values("rating")[:1]
    return (
        albums_published()
        .annotate(rating=Subquery(rating))
        .filter(rating__isnull=False)
        .order_by("-rating", "title", "id")
    )
