"""The playback state as devices read it: one serialized snapshot per listener, kept in the cache.

Devices ask for it every second or so, so reading it must cost nothing but a
cache read: the snapshot is built once per change (``snapshot_build``) and
written to the cache when the change commits (``snapshot_store``). A reader
that misses the cache builds it from the database and adds it only if no
writer got there first. The position is extrapolated at read time from the
stored position and the moment it was reported.
"""

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache, caches
from django.utils import timezone

from catalog.artwork import artwork_url
from catalog.models import Track
from streaming.models import PlaybackState

SNAPSHOT_SECONDS = 24 * 3600
logger = logging.getLogger(__name__)
UPCOMING_LIMIT = 50


def snapshot_key(user_id: int) -> str:
    return f"player:state:{user_id}"


def track_items(track_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What a player shows of each track (title, artist, album, artwork, length), in one query."""
    ids = list(dict.fromkeys(track_ids))
    if not ids:
        return {}
    tracks = Track.objects.filter(pk__in=ids).select_related("artist", "album")
    return {track.pk: track_item(track) for track in tracks}


def track_item(track: Track) -> dict[str, Any]:
    album = track.album
    artwork = album.artwork.name if album is not None and album.artwork else ""
    return {
        "id": track.pk,
        "title": track.title,
        "duration_ms": track.duration_ms,
        "explicit": track.explicit,
        "artist": {"id": track.artist_id, "name": track.artist.name, "slug": track.artist.slug},
        # Where the track sits in its album: a player plays the album's next track gaplessly.
        "album": (
            {"id": album.pk, "title": album.title, "disc_number": track.disc_number, "track_number": track.track_number}
            if album is not None
            else None
        ),
        "artwork": artwork_url(artwork, 64),
        "artwork_large": artwork_url(artwork, 300),
    }


def play_order(state: PlaybackState) -> list[int]:
    """The context's track ids in the order they play (shuffled or not)."""
    tracks: list[int] = state.context_tracks
    if state.shuffle and len(state.shuffle_order) == len(tracks):
        return [tracks[i] for i in state.shuffle_order]
    return list(tracks)


def upcoming(state: PlaybackState, *, limit: int = UPCOMING_LIMIT) -> tuple[list[int], list[int]]:
    """What plays after the current track: the listener's queue, then the rest of the context."""
    order = play_order(state)
    rest = order[state.context_index + 1 :] if state.context_index >= -1 else []
    if state.repeat == PlaybackState.Repeat.CONTEXT and order:
        rest = rest + order[: max(state.context_index + 1, 0)]
    return list(state.queue[:limit]), rest[:limit]


def next_track_id(state: PlaybackState) -> int | None:
    """The track ``next`` would play, for a player to fetch ahead."""
    if state.repeat == PlaybackState.Repeat.TRACK and state.track_id is not None:
        return state.track_id
    queue, rest = upcoming(state, limit=1)
    following = queue or rest
    return following[0] if following else None


def snapshot_build(state: PlaybackState, *, reuse: dict[str, Any] | None = None) -> dict[str, Any]:
    """The snapshot of ``state`` (with its device loaded): what every device is told.

    The tracks' details are taken from ``reuse``, an earlier snapshot, when it
    has them: a position report then costs no query for them.
    """
    following = next_track_id(state)
    known = {}
    for item in (reuse or {}).get("item"), (reuse or {}).get("next_item"):
        if item:
            known[item["id"]] = item
    wanted = [i for i in (state.track_id, following) if i is not None]
    items = known if all(i in known for i in wanted) else track_items(wanted)
    device = state.device
    return {
        "version": state.version,
        "device": {"id": device.device_id, "name": device.name, "type": device.type} if device else None,
        "is_playing": state.is_playing and state.track_id is not None,
        "item": items.get(state.track_id) if state.track_id is not None else None,
        "position_ms": state.position_ms,
        "reported_at": state.reported_at.isoformat(),
        "shuffle_state": state.shuffle,
        "repeat_state": state.repeat,
        "volume_percent": state.volume,
        "context": {"uri": state.context_uri, "index": state.context_index, "length": len(state.context_tracks)},
        "queue_length": len(state.queue),
        "next_item": items.get(following) if following is not None else None,
    }


def snapshot_store(user_id: int, snapshot: dict[str, Any]) -> None:
    """Keep ``snapshot`` unless the cache already holds a later version.

    Two changes committed at once must not leave the older one cached (a pause
    shown as playing until the next change): the read and the write are one
    step, under Redis's WATCH in services mode and under a lock in the one
    process that shares the local-memory cache.
    """
    key = snapshot_key(user_id)
    if _redis_backed():
        _store_in_redis(key, snapshot)
        return
    with _local_lock:
        current = cache.get(key)
        if current is None or current["version"] <= snapshot["version"]:
            cache.set(key, snapshot, SNAPSHOT_SECONDS)


_local_lock = threading.Lock()


def _redis_backed() -> bool:
    return type(caches["default"]).__module__.startswith("django_redis")


def _store_in_redis(key: str, snapshot: dict[str, Any]) -> None:
    """Compare the versions and set in one optimistic transaction; another writer in between means look again."""
    from django_redis import get_redis_connection
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisSlow
    from redis.exceptions import WatchError

    client = caches["default"].client  # type: ignore[attr-defined]  # django-redis: its key and value encoding
    raw_key = client.make_key(key)
    connection = get_redis_connection("default")
    try:
        for _ in range(10):
            with connection.pipeline() as pipe:
                try:
                    pipe.watch(raw_key)
                    raw = pipe.get(raw_key)
                    if raw is not None and client.decode(raw)["version"] > snapshot["version"]:
                        return  # a later change is cached already
                    pipe.multi()
                    pipe.set(raw_key, client.encode(snapshot), ex=SNAPSHOT_SECONDS)
                    pipe.execute()
                    return
                except WatchError:
                    continue  # the key changed under us: compare again
    except (RedisDown, RedisSlow) as exc:
        # The change is in the database: devices read it from there while the cache
        # is away, and the next change after it returns puts it in the cache.
        logger.warning("Could not cache the player snapshot of %s: %s", key, exc)


def snapshot_load(user_id: int) -> dict[str, Any] | None:
    """The listener's snapshot: from the cache, or built from the database on a miss."""
    key = snapshot_key(user_id)
    snapshot: dict[str, Any] | None = cache.get(key)
    if snapshot is not None:
        return snapshot
    state = PlaybackState.objects.select_related("device").filter(user_id=user_id).first()
    if state is None:
        return None
    snapshot = snapshot_build(state)
    cache.add(key, snapshot, SNAPSHOT_SECONDS)  # a writer's newer copy wins
    return snapshot


def progress_ms(snapshot: dict[str, Any], *, now: dt.datetime | None = None) -> int:
    """The position now: the reported one, moved on by the time since while playing, within the track."""
    position = int(snapshot["position_ms"])
    if snapshot["is_playing"]:
        now = now or timezone.now()
        elapsed = now - dt.datetime.fromisoformat(snapshot["reported_at"])
        position += max(0, int(elapsed.total_seconds() * 1000))
    item = snapshot.get("item")
    if item and item.get("duration_ms"):
        position = min(position, int(item["duration_ms"]))
    return position
