"""Reads on playlists and the library, each scoped to what the viewer may see."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from catalog.access import albums_visible_to
from core.ids import possible_ids
from playlists.access import playlists_listed_for, playlists_visible_to
from playlists.caching import cached_for_user
from playlists.models import (
    FollowedArtist,
    LikedTrack,
    Playlist,
    PlaylistCollaborator,
    PlaylistFollow,
    PlaylistInvitation,
    PlaylistItem,
    SavedAlbum,
)


def _with_owner(playlists: QuerySet[Playlist]) -> QuerySet[Playlist]:
    return playlists.select_related("owner")


def playlist_list(*, viewer: User) -> QuerySet[Playlist]:
    """Every playlist ``viewer`` may open: public ones, and their own and collaborative ones."""
    return _with_owner(playlists_visible_to(viewer)).order_by("-updated_at", "-id")


def playlist_detail(*, playlist_id: int, viewer: User) -> Playlist:
    """The playlist with its collaborators, if ``viewer`` may see it (Playlist.DoesNotExist otherwise)."""
    collaborators = PlaylistCollaborator.objects.select_related("user").order_by("added_at")
    return (
        _with_owner(playlists_visible_to(viewer))
        .prefetch_related(Prefetch("collaborator_links", queryset=collaborators))
        .get(pk=playlist_id)
    )


def playlist_collaborator_list(*, playlist_id: int) -> QuerySet[PlaylistCollaborator]:
    return (
        PlaylistCollaborator.objects.filter(playlist_id=playlist_id).select_related("user").order_by("added_at", "id")
    )


def playlist_invitation_list(*, playlist_id: int) -> QuerySet[PlaylistInvitation]:
    """The playlist's invitations waiting for an answer, newest first (for its owner)."""
    pending = PlaylistInvitation.objects.filter(playlist_id=playlist_id, expires_at__gt=timezone.now())
    return pending.order_by("-created_at", "-id")


def playlist_invitations_for(*, user: User) -> QuerySet[PlaylistInvitation]:
    """The invitations waiting for ``user``'s answer: to their username, or to their current address."""
    if not user.is_authenticated:
        return PlaylistInvitation.objects.none()
    addressed = Q(user_id=user.pk) | Q(email=user.email.lower()) if user.email else Q(user_id=user.pk)
    pending = PlaylistInvitation.objects.filter(addressed, expires_at__gt=timezone.now())
    return pending.select_related("playlist", "invited_by").order_by("-created_at", "-id")


def playlist_invitations_answerable(*, user: User, token_hash: str = "") -> QuerySet[PlaylistInvitation]:
    """The pending invitations ``user`` may accept or decline.

    Those to their username; and those to their current address when
    ``token_hash`` is the one of the mailed link, which proves the address.
    """
    if not user.is_authenticated:
        return PlaylistInvitation.objects.none()
    mine = Q(user_id=user.pk)
    if token_hash and user.email:
        mine |= Q(email=user.email.lower(), token_hash=token_hash)
    pending = PlaylistInvitation.objects.filter(mine, expires_at__gt=timezone.now())
    return pending.select_related("playlist", "playlist__owner", "invited_by")


def playlist_by_share_token(*, token: str) -> Playlist:
    """The public or unlisted playlist this share link opens (Playlist.DoesNotExist when none)."""
    if not token:
        raise Playlist.DoesNotExist(token)
    shareable = Q(visibility__in=[Playlist.Visibility.PUBLIC, Playlist.Visibility.UNLISTED])
    collaborators = PlaylistCollaborator.objects.select_related("user").order_by("added_at")
    return (
        _with_owner(Playlist.objects.filter(shareable))
        .prefetch_related(Prefetch("collaborator_links", queryset=collaborators))
        .get(share_token=token)
    )


def playlist_items(*, playlist: Playlist) -> QuerySet[PlaylistItem]:
    """The playlist's items in order, each with its track, artist and album (the track may be gone)."""
    return (
        PlaylistItem.objects.filter(playlist_id=playlist.pk)
        .select_related("track", "track__artist", "track__album", "added_by")
        .order_by("position")
    )


class CountedItems:
    """The items of a playlist, counted from the playlist's own counter rather than by COUNT(*)."""

    def __init__(self, playlist: Playlist) -> None:
        self.items = playlist_items(playlist=playlist)
        self.total = playlist.item_count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]


# How each part of the library can be sorted: the name a caller gives, its label (translated where
# shown), the ordering.
LIBRARY_SORTS: dict[str, dict[str, tuple[str, tuple[Any, ...]]]] = {
    "playlists": {
        "recent": (gettext_noop("Recently changed"), ("-updated_at", "-id")),
        "name": (gettext_noop("Alphabetical"), (Lower("name"), "id")),
    },
    "tracks": {
        "recent": (gettext_noop("Recently added"), ("-added_at", "-id")),
        "title": (gettext_noop("Title"), (Lower("track__title"), "id")),
        "artist": (gettext_noop("Artist"), (Lower("track__artist__name"), Lower("track__title"), "id")),
    },
    "albums": {
        "recent": (gettext_noop("Recently added"), ("-added_at", "-id")),
        "title": (gettext_noop("Title"), (Lower("album__title"), "id")),
        "artist": (gettext_noop("Artist"), (Lower("album__artist__name"), Lower("album__title"), "id")),
    },
    "artists": {
        "recent": (gettext_noop("Recently added"), ("-added_at", "-id")),
        "name": (gettext_noop("Alphabetical"), (Lower("artist__name"), "id")),
    },
}


def _sorted(rows: QuerySet[Any], part: str, sort: str) -> QuerySet[Any]:
    """``rows`` in the order named ``sort`` (KeyError for a name the part does not know)."""
    return rows.order_by(*LIBRARY_SORTS[part][sort][1])


def playlist_list_mine(*, user: User, sort: str = "recent") -> QuerySet[Playlist]:
    """The playlists in ``user``'s library: their own, those they collaborate on, and those they follow."""
    followed = Q(pk__in=user.playlist_follows.values("playlist_id"))
    own = playlists_listed_for(user).values("pk")
    return _sorted(_with_owner(playlists_visible_to(user).filter(Q(pk__in=own) | followed)), "playlists", sort)


def playlist_list_public(*, owner: User) -> QuerySet[Playlist]:
    return _with_owner(Playlist.objects.filter(owner=owner, visibility=Playlist.Visibility.PUBLIC)).order_by(
        "-follower_count", "-updated_at", "-id"
    )


def playlist_is_followed(*, playlist: Playlist, user: User) -> bool:
    return user.is_authenticated and playlist.follows.filter(user_id=user.pk).exists()


def liked_track_list(*, user: User, sort: str = "recent") -> QuerySet[LikedTrack]:
    """Liked tracks, newest first unless asked, each with what its row shows (unavailable ones stay listed)."""
    liked = LikedTrack.objects.filter(user_id=user.pk).select_related(
        "track", "track__artist", "track__album", "track__album__artist"
    )
    return _sorted(liked, "tracks", sort)


def saved_album_list(*, user: User, sort: str = "recent") -> QuerySet[SavedAlbum]:
    """Saved albums that are still out, newest saves first unless asked."""
    visible = albums_visible_to(user).values("pk")
    saved = SavedAlbum.objects.filter(user_id=user.pk, album_id__in=visible).select_related("album", "album__artist")
    return _sorted(saved, "albums", sort)


def followed_artist_list(*, user: User, sort: str = "recent") -> QuerySet[FollowedArtist]:
    followed = FollowedArtist.objects.filter(user_id=user.pk).select_related("artist")
    return _sorted(followed, "artists", sort)


def _ids(model: Any, field: str, user_id: int, wanted: list[int]) -> set[int]:
    lookup = {f"{field}__in": possible_ids(wanted)}
    return set(model.objects.filter(user_id=user_id, **lookup).values_list(field, flat=True))


def library_contains(*, user: User, kind: str, ids: list[int]) -> list[bool]:
    """For each id, whether it is in ``user``'s library (kind: track, album, artist or playlist)."""
    if kind == "track":
        found = liked_track_ids(user=user) & set(ids)
    else:
        model, field = {
            "album": (SavedAlbum, "album_id"),
            "artist": (FollowedArtist, "artist_id"),
            "playlist": (PlaylistFollow, "playlist_id"),
        }[kind]
        found = _ids(model, field, user.pk, ids)
    return [pk in found for pk in ids]


# Cached per listener: read on every track row of every page.


def liked_track_ids(*, user: User) -> set[int]:
    """The ids of every track ``user`` likes (from the cache while their library is unchanged)."""
    if not user.is_authenticated:
        return set()
    ids = cached_for_user(user.pk, "liked", lambda: list(user.liked_tracks.values_list("track_id", flat=True)))
    return set(ids)


def saved_album_ids(*, user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    ids = cached_for_user(user.pk, "albums", lambda: list(user.saved_albums.values_list("album_id", flat=True)))
    return set(ids)


def followed_artist_ids(*, user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    ids = cached_for_user(user.pk, "artists", lambda: list(user.followed_artists.values_list("artist_id", flat=True)))
    return set(ids)


def playlist_menu(*, user: User) -> list[dict[str, Any]]:
    """``[{"id", "name"}]`` of the playlists ``user`` may add tracks to, by name (cached)."""
    if not user.is_authenticated:
        return []

    def load() -> list[dict[str, Any]]:
        rows = playlists_listed_for(user).order_by(Lower("name"), "id").values_list("id", "name")
        return [{"id": pk, "name": name} for pk, name in rows]

    return cached_for_user(user.pk, "menu", load)
