"""A playlist's tracks: added, removed and moved, each in one short transaction.

Every write locks the playlist's row first (``select_for_update``), so that
concurrent editors take turns and never read positions another is changing.
Positions are sparse ranks: a new or moved item takes numbers between its
neighbours', so one operation writes only the rows it concerns. When two
neighbours have no number left between them, the playlist's positions are
spread out again (rare: each gap starts 65 536 wide).
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext

from accounts.models import User
from catalog.access import tracks_visible_to
from catalog.models import Album
from core.ids import possible_ids
from core.outbox import task_enqueue
from playlists import tasks
from playlists.access import require_items_edit
from playlists.models import MAX_ITEMS, Playlist, PlaylistItem, new_snapshot_id
from playlists.services import StaleSnapshotError

GAP = 1 << 16
MOSAIC_TILES = 4
MOSAIC_LOOKAHEAD = 50
MAX_ADD = 100


def playlist_lock(*, playlist_id: int, snapshot_id: str | None = None) -> Playlist:
    """The playlist's row, locked until the transaction ends; StaleSnapshotError if ``snapshot_id`` is not current."""
    locked = Playlist.objects.select_for_update().get(pk=playlist_id)
    if snapshot_id and snapshot_id != locked.snapshot_id:
        raise StaleSnapshotError(locked.snapshot_id)
    return locked


def playlist_touch(playlist: Playlist, *fields: str) -> None:
    """Save ``fields`` with a new snapshot id: something about the playlist changed."""
    playlist.snapshot_id = new_snapshot_id()
    playlist.save(update_fields=[*fields, "snapshot_id", "updated_at"])


def _items(playlist_id: int) -> QuerySet[PlaylistItem]:
    return PlaylistItem.objects.filter(playlist_id=playlist_id)


def _positions_at(playlist: Playlist, index: int) -> tuple[int | None, int | None]:
    """The positions either side of the gap before the item at ``index`` (None at an end)."""
    positions = _items(playlist.pk).order_by("position").values_list("position", flat=True)
    if index >= playlist.item_count:
        return positions.last(), None
    if index <= 0:
        return None, positions.first()
    before, after = positions[index - 1 : index + 1]
    return before, after


def _ranks(before: int | None, after: int | None, count: int) -> list[int] | None:
    """``count`` increasing positions strictly between ``before`` and ``after``, or None when they do not fit."""
    low = 0 if before is None else before
    if after is None:
        return [low + GAP * n for n in range(1, count + 1)]
    step = (after - low) // (count + 1)
    if step < 1:
        return None
    return [low + step * n for n in range(1, count + 1)]


def _spread(playlist_id: int) -> None:
    """Renumber every item GAP apart, in the same order: the rare full rewrite, in two statements.

    Negated first, so that every position stays unique on the way (the
    constraint is checked row by row); then each takes its rank times GAP.
    """
    _items(playlist_id).update(position=-F("position"))
    table = connection.ops.quote_name(PlaylistItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = ranked.n * %s "  # noqa: S608 - the table name is ours, values are bound
            f"FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY position DESC) AS n FROM {table} WHERE playlist_id = %s)"
            f" AS ranked WHERE {table}.id = ranked.id",
            [GAP, playlist_id],
        )


def _mosaic_check(playlist: Playlist) -> None:
    """Have the mosaic remade after commit when the artwork of the first tracks changed."""
    if playlist.cover:
        return
    names = (
        _items(playlist.pk)
        .filter(track__album__status=Album.Status.PUBLISHED)
        .exclude(track__album__artwork="")
        .order_by("position")
        .values_list("track__album__artwork", flat=True)[:MOSAIC_LOOKAHEAD]
    )
    source = list(dict.fromkeys(names))[:MOSAIC_TILES]
    if source != playlist.mosaic_source:
        playlist_id = playlist.pk
        task_enqueue(tasks.playlist_mosaic_refresh, playlist_id)


@transaction.atomic
def playlist_items_add(
    *,
    playlist: Playlist,
    by: User,
    track_ids: Sequence[int],
    position: int | None = None,
    snapshot_id: str | None = None,
) -> Playlist:
    """Insert tracks (repeats allowed) before the item at index ``position``, or at the end."""
    require_items_edit(playlist=playlist, user=by)
    if not track_ids:
        raise ValidationError(gettext("Choose one track at least."), code="no_tracks")
    if len(track_ids) > MAX_ADD:
        raise ValidationError(
            gettext("Add up to %(MAX_ADD)s tracks at a time.") % {"MAX_ADD": MAX_ADD}, code="too_many_tracks"
        )
    if position is not None and position < 0:
        raise ValidationError(gettext("The position counts from 0."), code="invalid_position")
    locked = playlist_lock(playlist_id=playlist.pk, snapshot_id=snapshot_id)
    if locked.item_count + len(track_ids) > MAX_ITEMS:
        room = MAX_ITEMS - locked.item_count
        raise ValidationError(
            gettext("A playlist holds up to %(MAX_ITEMS)s tracks; this one has room for %(room)s more.")
            % {"MAX_ITEMS": f"{MAX_ITEMS:,}", "room": f"{room:,}"},
            code="playlist_full",
        )
    tracks = tracks_visible_to(by).filter(pk__in=set(possible_ids(track_ids))).select_related("artist").in_bulk()
    missing = sorted({pk for pk in track_ids if pk not in tracks})
    if missing:
        raise ValidationError(
            gettext("No such tracks: %(value)s.") % {"value": ", ".join(map(str, missing))}, code="track_not_found"
        )
    index = locked.item_count if position is None else min(position, locked.item_count)
    before, after = _positions_at(locked, index)
    ranks = _ranks(before, after, len(track_ids))
    if ranks is None:
        _spread(locked.pk)
        before, after = _positions_at(locked, index)
        ranks = _ranks(before, after, len(track_ids))
        assert ranks is not None  # GAP > MAX_ITEMS: a spread-out gap holds any addition
    PlaylistItem.objects.bulk_create(
        PlaylistItem(
            playlist=locked,
            track=tracks[pk],
            position=rank,
            track_title=tracks[pk].title,
            artist_name=tracks[pk].artist.name,
            added_by=by,
        )
        for pk, rank in zip(track_ids, ranks, strict=True)
    )
    locked.item_count += len(track_ids)
    playlist_touch(locked, "item_count")
    _mosaic_check(locked)
    return locked


@transaction.atomic
def playlist_items_remove(
    *,
    playlist: Playlist,
    by: User,
    item_ids: Sequence[int] = (),
    track_ids: Sequence[int] = (),
    snapshot_id: str | None = None,
) -> Playlist:
    """Remove these items, and every occurrence of these tracks; those already gone are ignored."""
    require_items_edit(playlist=playlist, user=by)
    if not item_ids and not track_ids:
        raise ValidationError(gettext("Name the items or the tracks to remove."), code="nothing_to_remove")
    locked = playlist_lock(playlist_id=playlist.pk, snapshot_id=snapshot_id)
    doomed = _items(locked.pk).filter(pk__in=possible_ids(item_ids)) | _items(locked.pk).filter(
        track_id__in=possible_ids(track_ids)
    )
    removed, _ = doomed.delete()
    if removed:
        locked.item_count -= removed
        playlist_touch(locked, "item_count")
        _mosaic_check(locked)
    return locked


def _place(playlist: Playlist, items: list[PlaylistItem], before_id: int | None, after_id: int | None) -> None:
    """Give ``items`` positions, in order, between the items ``before_id`` and ``after_id`` (None: an end)."""

    def positions() -> tuple[int | None, int | None]:
        ids = [pk for pk in (before_id, after_id) if pk is not None]
        found = dict(_items(playlist.pk).filter(pk__in=ids).values_list("pk", "position"))
        return (found[before_id] if before_id else None), (found[after_id] if after_id else None)

    ranks = _ranks(*positions(), len(items))
    if ranks is None:
        _spread(playlist.pk)
        ranks = _ranks(*positions(), len(items))
        assert ranks is not None  # GAP > MAX_ITEMS: a spread-out gap holds any range
    for item, rank in zip(items, ranks, strict=True):
        item.position = rank
    PlaylistItem.objects.bulk_update(items, ["position"])


def _moved(locked: Playlist) -> Playlist:
    playlist_touch(locked)
    _mosaic_check(locked)
    return locked


@transaction.atomic
def playlist_items_reorder(
    *,
    playlist: Playlist,
    by: User,
    range_start: int,
    insert_before: int,
    range_length: int = 1,
    snapshot_id: str | None = None,
) -> Playlist:
    """Move ``range_length`` items from index ``range_start`` to before the item now at ``insert_before``.

    Indexes are those of the playlist before the move, as in Spotify's Web API;
    ``insert_before`` equal to the length moves the range to the end.
    """
    require_items_edit(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk, snapshot_id=snapshot_id)
    count = locked.item_count
    if range_length < 1 or range_start < 0 or range_start + range_length > count:
        raise ValidationError(
            gettext("The range must lie within the playlist's %(count)s items.") % {"count": count},
            code="invalid_range",
        )
    if not 0 <= insert_before <= count:
        raise ValidationError(
            gettext("insert_before must be between 0 and %(count)s.") % {"count": count}, code="invalid_position"
        )
    if range_start <= insert_before <= range_start + range_length:
        return locked  # already there: nothing changes, the snapshot stays
    ordered = _items(locked.pk).order_by("position")
    items = list(ordered.only("pk", "position")[range_start : range_start + range_length])
    ids = ordered.values_list("pk", flat=True)
    before_id = ids[insert_before - 1] if insert_before > 0 else None
    after_id = ids[insert_before] if insert_before < count else None
    _place(locked, items, before_id, after_id)
    return _moved(locked)


@transaction.atomic
def playlist_item_move(
    *, playlist: Playlist, by: User, item_id: int, before_item_id: int | None, snapshot_id: str | None = None
) -> Playlist:
    """Move one item to just before another one, or to the end (``before_item_id`` None).

    Items are named by their ids, so that concurrent edits elsewhere in the
    playlist do not change what this move means (drag and drop uses it).
    """
    require_items_edit(playlist=playlist, user=by)
    locked = playlist_lock(playlist_id=playlist.pk, snapshot_id=snapshot_id)
    items = _items(locked.pk)
    item = items.filter(pk=item_id).only("pk", "position").first()
    target = items.filter(pk=before_item_id).only("pk", "position").first() if before_item_id else None
    if item is None or (before_item_id and target is None):
        raise ValidationError(gettext("That item is not in this playlist (any more)."), code="item_not_found")
    if target is not None and target.pk == item.pk:
        return locked
    others = items.exclude(pk=item.pk).order_by("-position").values_list("pk", "position")
    previous = (others.filter(position__lt=target.position) if target else others).first()
    previous_id, previous_position = previous if previous else (None, None)
    if (previous_position is None or previous_position < item.position) and (
        target is None or item.position < target.position
    ):
        return locked  # already there
    _place(locked, [item], previous_id, target.pk if target else None)
    return _moved(locked)


@transaction.atomic
def playlist_item_step(*, playlist: Playlist, by: User, item_id: int, direction: str) -> Playlist:
    """Move one item up or down by one place (the website's buttons)."""
    require_items_edit(playlist=playlist, user=by)
    items = _items(playlist.pk)
    item = items.filter(pk=item_id).only("pk", "position").first()
    if item is None:
        raise ValidationError(gettext("That item is not in this playlist (any more)."), code="item_not_found")
    playlist_lock(playlist_id=playlist.pk)
    item.refresh_from_db(fields=["position"])
    ids = items.order_by("position").values_list("pk", flat=True)
    if direction == "up":
        previous = ids.filter(position__lt=item.position).order_by("-position").first()
        if previous is None:
            return Playlist.objects.get(pk=playlist.pk)
        return playlist_item_move(playlist=playlist, by=by, item_id=item.pk, before_item_id=previous)
    if direction == "down":
        following = list(ids.filter(position__gt=item.position)[:2])
        if not following:
            return Playlist.objects.get(pk=playlist.pk)
        before = following[1] if len(following) > 1 else None
        return playlist_item_move(playlist=playlist, by=by, item_id=item.pk, before_item_id=before)
    raise ValidationError(gettext("Move up or down."), code="invalid_direction")
