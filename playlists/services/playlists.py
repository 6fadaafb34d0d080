"""Playlists themselves: made, described, shared, collaborated on, followed, copied and deleted."""

from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext

from accounts.models import User
from catalog.artwork import ARTWORK_SIZES, artwork_delete, artwork_name, artwork_store
from catalog.models import Album
from core.outbox import task_enqueue
from playlists.access import require_owner
from playlists.caching import user_cache_invalidate
from playlists.covers import mosaic_store
from playlists.models import MAX_ITEMS, Playlist, PlaylistCollaborator, PlaylistFollow, PlaylistItem, new_share_token
from playlists.services.items import GAP, MOSAIC_LOOKAHEAD, MOSAIC_TILES, _mosaic_check, playlist_lock, playlist_touch
from search.indexing import index_later

EDITABLE_FIELDS = frozenset({"name", "description", "visibility", "collaborative"})
MAX_COLLABORATORS = 50


def _members(playlist: Playlist) -> list[int]:
    return [playlist.owner_id, *playlist.collaborator_links.values_list("user_id", flat=True)]


def _clean(playlist: Playlist) -> None:
    playlist.name = " ".join(playlist.name.split())
    playlist.description = playlist.description.strip()
    playlist.full_clean(exclude=["owner", "cover", "mosaic", "mosaic_source", "share_token", "snapshot_id"])


@transaction.atomic
def playlist_create(
    *,
    owner: User,
    name: str,
    description: str = "",
    visibility: str = Playlist.Visibility.PUBLIC,
    collaborative: bool = False,
) -> Playlist:
    playlist = Playlist(
        owner=owner, name=name, description=description, visibility=visibility, collaborative=collaborative
    )
    _clean(playlist)
    playlist.save()
    user_cache_invalidate(owner.pk)
    index_later("playlist", playlist.pk)
    return playlist


@transaction.atomic
def playlist_update(*, playlist: Playlist, by: User, snapshot_id: str | None = None, **changes: object) -> Playlist:
    """Change the name, description, visibility or the collaborative switch (the owner only)."""
    require_owner(playlist=playlist, user=by)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            gettext("These fields cannot be changed: %(value)s.") % {"value": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    locked = playlist_lock(playlist_id=playlist.pk, snapshot_id=snapshot_id)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, changes[name])
    _clean(locked)
    if changed:
        playlist_touch(locked, *changed)
        user_cache_invalidate(*_members(locked))
        index_later("playlist", locked.pk)
    return locked


@transaction.atomic
def playlist_delete(*, playlist: Playlist, by: User) -> None:
    require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    names = [artwork_name(n, size) for n in (locked.cover.name, locked.mosaic.name) if n for size in ARTWORK_SIZES]
    members = _members(locked)
    followers = list(locked.follows.values_list("user_id", flat=True))
    pk = locked.pk
    locked.delete()
    user_cache_invalidate(*members, *followers)
    index_later("playlist", pk)
    if names:
        from catalog import tasks as catalog_tasks

        task_enqueue(catalog_tasks.blobs_delete, names)


def playlist_cover_set(*, playlist: Playlist, by: User, file: IO[bytes]) -> Playlist:
    """Use an uploaded picture as the cover (ArtworkError if it is refused)."""
    require_owner(playlist=playlist, user=by)
    name = artwork_store(file, prefix=f"playlists/{playlist.pk}")
    with transaction.atomic():
        locked = playlist_lock(playlist_id=playlist.pk)
        old = locked.cover.name
        locked.cover.name = name
        playlist_touch(locked, "cover")
        transaction.on_commit(lambda: artwork_delete(old))
    return locked


@transaction.atomic
def playlist_cover_clear(*, playlist: Playlist, by: User) -> Playlist:
    """Drop the uploaded cover: the mosaic of the first tracks shows again."""
    require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    old = locked.cover.name
    if old:
        locked.cover.name = ""
        playlist_touch(locked, "cover")
        transaction.on_commit(lambda: artwork_delete(old))
        _mosaic_check(locked)
    return locked


def _mosaic_source(playlist_id: int) -> list[str]:
    names = (
        PlaylistItem.objects.filter(playlist_id=playlist_id, track__album__status=Album.Status.PUBLISHED)
        .exclude(track__album__artwork="")
        .order_by("position")
        .values_list("track__album__artwork", flat=True)[:MOSAIC_LOOKAHEAD]
    )
    return list(dict.fromkeys(names))[:MOSAIC_TILES]


def playlist_mosaic_refresh(*, playlist_id: int) -> bool:
    """Make the mosaic of the playlist's first artworks, unless it is already made of them; True when remade."""
    source = _mosaic_source(playlist_id)
    current = Playlist.objects.filter(pk=playlist_id).values("mosaic_source", "cover").first()
    if current is None or current["cover"] or current["mosaic_source"] == source:
        return False
    name = mosaic_store(source, prefix=f"playlists/{playlist_id}") if source else ""
    with transaction.atomic():
        locked = Playlist.objects.select_for_update().filter(pk=playlist_id).first()
        if locked is None:
            transaction.on_commit(lambda: artwork_delete(name))
            return False
        old = locked.mosaic.name
        locked.mosaic.name, locked.mosaic_source = name, source
        locked.save(update_fields=["mosaic", "mosaic_source"])
        transaction.on_commit(lambda: artwork_delete(old))
    return True


def playlist_mosaics_refresh_for_album(*, album_id: int | None, artwork: str = "") -> int:
    """Remake the mosaics of the playlists holding the album's tracks or showing ``artwork``; how many changed.

    Called when an album's artwork or status changed (with its old artwork) or
    when it was deleted (its id None: only the artwork still leads to them).
    """
    holding = Q(items__track__album_id=album_id) if album_id else Q(pk__in=[])
    showing = Q(mosaic_source__icontains=artwork) if artwork else Q(pk__in=[])
    concerned = Playlist.objects.filter(cover="").filter(holding | showing).values_list("pk", flat=True).distinct()
    changed = 0
    for playlist_id in concerned.iterator():
        changed += playlist_mosaic_refresh(playlist_id=playlist_id)
    return changed


@transaction.atomic
def playlist_share_renew(*, playlist: Playlist, by: User) -> Playlist:
    """A new share link; the old one stops working."""
    require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    locked.share_token = new_share_token()
    locked.save(update_fields=["share_token", "updated_at"])
    return locked


@transaction.atomic
def playlist_share_revoke(*, playlist: Playlist, by: User) -> Playlist:
    """No share link any more, until one is renewed."""
    require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    locked.share_token = None
    locked.save(update_fields=["share_token", "updated_at"])
    return locked


@transaction.atomic
def playlist_collaborator_add(*, playlist: Playlist, by: User, user: User) -> Playlist:
    """Let ``user`` add, remove and reorder tracks; the playlist becomes collaborative."""
    require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    if user.pk == locked.owner_id:
        raise ValidationError(gettext("You own this playlist already."), code="owner")
    if locked.collaborator_links.count() >= MAX_COLLABORATORS:
        raise ValidationError(
            gettext("A playlist has up to %(MAX_COLLABORATORS)s collaborators.")
            % {"MAX_COLLABORATORS": MAX_COLLABORATORS},
            code="too_many",
        )
    _, created = PlaylistCollaborator.objects.get_or_create(playlist=locked, user=user)
    if created or not locked.collaborative:
        locked.collaborative = True
        playlist_touch(locked, "collaborative")
        user_cache_invalidate(locked.owner_id, user.pk)
        index_later("playlist", locked.pk)  # searches cached before find it now, for its new collaborator
    return locked


@transaction.atomic
def playlist_collaborator_remove(*, playlist: Playlist, by: User, user: User) -> Playlist:
    """The owner removes a collaborator; a collaborator may leave by removing themself."""
    if by.pk != user.pk:
        require_owner(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk)
    removed, _ = PlaylistCollaborator.objects.filter(playlist=locked, user_id=user.pk).delete()
    if removed:
        playlist_touch(locked)
        user_cache_invalidate(user.pk)
        index_later("playlist", locked.pk)
    return locked


@transaction.atomic
def playlist_follow(*, playlist: Playlist, user: User) -> bool:
    """Save someone else's public playlist in the library; True when it was not followed yet."""
    if playlist.visibility != Playlist.Visibility.PUBLIC:
        raise ValidationError(gettext("Only public playlists can be followed."), code="not_public")
    if playlist.owner_id == user.pk:
        raise ValidationError(gettext("Your own playlists are in your library already."), code="own_playlist")
    try:
        with transaction.atomic():
            PlaylistFollow.objects.create(playlist=playlist, user=user)
    except IntegrityError:
        return False  # followed already: nothing changes
    Playlist.objects.filter(pk=playlist.pk).update(follower_count=F("follower_count") + 1)
    user_cache_invalidate(user.pk)
    index_later("playlist", playlist.pk)
    return True


@transaction.atomic
def playlist_unfollow(*, playlist: Playlist, user: User) -> bool:
    removed, _ = PlaylistFollow.objects.filter(playlist=playlist, user_id=user.pk).delete()
    if not removed:
        return False
    Playlist.objects.filter(pk=playlist.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)
    user_cache_invalidate(user.pk)
    index_later("playlist", playlist.pk)
    return True


@transaction.atomic
def playlist_copy(*, playlist: Playlist, by: User, name: str = "") -> Playlist:
    """A new private playlist of ``by``'s with the same tracks in the same order (deleted ones left out)."""
    copy = playlist_create(
        owner=by,
        name=name or f"{playlist.name} (copy)"[:100],
        description=playlist.description,
        visibility=Playlist.Visibility.PRIVATE,
    )
    rows = (
        PlaylistItem.objects.filter(playlist_id=playlist.pk, track__isnull=False)
        .order_by("position")
        .values_list("track_id", "track_title", "artist_name")[:MAX_ITEMS]
    )
    items = [
        PlaylistItem(
            playlist=copy, track_id=track, position=GAP * n, track_title=title, artist_name=artist, added_by=by
        )
        for n, (track, title, artist) in enumerate(rows, start=1)
    ]
    PlaylistItem.objects.bulk_create(items, batch_size=1000)
    copy.item_count = len(items)
    copy.save(update_fields=["item_count"])
    _mosaic_check(copy)
    return copy
