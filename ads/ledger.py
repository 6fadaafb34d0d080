"""How much music a free listener heard since their last ad break, and whether one is due.

Every grant of a stream to a listener on the free plan goes through
:func:`ledger_count`: a track other than the last one counted adds one track
and its length; a grant asked again for the same track (a seek after its URL
expired, a reload) adds nothing, so asking again does not bring a break
sooner, and skipping does not put one off (a skipped track counts whole). Once
``ADS_TRACKS_BETWEEN_BREAKS`` tracks or ``ADS_MINUTES_BETWEEN_BREAKS`` minutes
were counted, a break is due, and the grant of any other track is refused
until the break is complete (:func:`ledger_reset`).

The count lives in Redis, one hash per listener, read and changed by one
script: one round trip a grant. A listener Redis has no hash for (new, or a
Redis that lost its data) starts from the database's copy (``AdLedger``),
which is written at every break and whenever Redis cannot be reached: then
the count is kept in the database alone, under a row lock, and the grant
still happens or is refused by the same rule. In the embedded default (no
Redis) the database is the only place.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from ads.models import AdLedger
from core.scripts import Script, redis_client, script_run

logger = logging.getLogger(__name__)

# Kept a week after the listener's last grant; a count older than that starts from the database.
LEDGER_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class LedgerState:
    due: bool
    tracks: int
    ms: int


def _limits() -> tuple[int, int]:
    return settings.ADS_TRACKS_BETWEEN_BREAKS, settings.ADS_MINUTES_BETWEEN_BREAKS * 60_000


def _key(user_id: int) -> str:
    return cache.make_key(f"ads:ledger:{user_id}")


# KEYS: the listener's hash. ARGV: the track, its length, the limits (tracks, ms), how long the
# hash is kept, and, when the caller read the database's copy, its tracks, ms and last track
# ("" when it did not: a missing hash then answers -1, asking for it).
_COUNT = Script(
    """
local k = KEYS[1]
if redis.call('EXISTS', k) == 0 then
  if ARGV[6] == '' then return {-1, 0, 0} end
  redis.call('HSET', k, 't', ARGV[6], 'ms', ARGV[7], 'last', ARGV[8])
end
redis.call('EXPIRE', k, ARGV[5])
local t = tonumber(redis.call('HGET', k, 't'))
local ms = tonumber(redis.call('HGET', k, 'ms'))
if redis.call('HGET', k, 'last') == ARGV[1] then return {0, t, ms} end
if t >= tonumber(ARGV[3]) or ms >= tonumber(ARGV[4]) then return {1, t, ms} end
t = t + 1
ms = ms + tonumber(ARGV[2])
redis.call('HSET', k, 't', t, 'ms', ms, 'last', ARGV[1])
return {0, t, ms}
"""
)


def _count_in_database(user_id: int, track_id: int | None, duration_ms: int) -> LedgerState:
    """The same rule as the script, on the database's row, locked; ``track_id`` None only reads."""
    max_tracks, max_ms = _limits()
    with transaction.atomic():
        AdLedger.objects.get_or_create(user_id=user_id)
        row = AdLedger.objects.select_for_update().get(user_id=user_id)
        due = row.tracks >= max_tracks or row.ms >= max_ms
        if track_id is None:
            return LedgerState(due=due, tracks=row.tracks, ms=row.ms)
        if track_id == row.last_track_id:  # the track already granted: on, as the script says
            return LedgerState(due=False, tracks=row.tracks, ms=row.ms)
        if due:
            return LedgerState(due=True, tracks=row.tracks, ms=row.ms)
        row.tracks += 1
        row.ms += duration_ms
        row.last_track_id = track_id
        row.save(update_fields=["tracks", "ms", "last_track_id", "updated_at"])
        return LedgerState(due=False, tracks=row.tracks, ms=row.ms)


def ledger_count(*, user_id: int, track_id: int, duration_ms: int) -> LedgerState:
    """Count a grant of ``track_id`` unless a break is due: whether one is (then the grant is refused)."""
    max_tracks, max_ms = _limits()
    client = redis_client()
    if client is None:
        return _count_in_database(user_id, track_id, duration_ms)
    args = (str(track_id), duration_ms, max_tracks, max_ms, LEDGER_SECONDS)
    try:
        due, tracks, ms = script_run(client, _COUNT, (_key(user_id),), *args, "", "", "")
        if due == -1:  # Redis has no count for this listener: start from the database's
            row = AdLedger.objects.filter(user_id=user_id).first()
            seed = (row.tracks, row.ms, str(row.last_track_id or "")) if row else (0, 0, "")
            due, tracks, ms = script_run(client, _COUNT, (_key(user_id),), *args, *seed)
    except RedisError:
        logger.warning("ads: Redis unreachable, counting listener %s in the database", user_id, exc_info=True)
        return _count_in_database(user_id, track_id, duration_ms)
    return LedgerState(due=bool(due), tracks=int(tracks), ms=int(ms))


def ledger_state(*, user_id: int) -> LedgerState:
    """Whether a break is due for the listener, without counting anything."""
    max_tracks, max_ms = _limits()
    client = redis_client()
    if client is not None:
        try:
            fields = client.hmget(_key(user_id), "t", "ms")
        except RedisError:
            logger.warning("ads: Redis unreachable, reading listener %s in the database", user_id, exc_info=True)
        else:
            if fields[0] is not None:
                tracks, ms = int(fields[0]), int(fields[1])
                return LedgerState(due=tracks >= max_tracks or ms >= max_ms, tracks=tracks, ms=ms)
    return _count_in_database(user_id, None, 0)


def ledger_reset(*, user_id: int) -> None:
    """A break is over: the count starts again, in the database and in Redis (the last track stays counted)."""
    client = redis_client()
    last = None
    if client is not None:
        try:
            # Forgotten, not zeroed: the next grant starts from the row written below.
            pipe = client.pipeline(transaction=True)
            pipe.hget(_key(user_id), "last")
            pipe.delete(_key(user_id))
            last, _ = pipe.execute()
        except RedisError:
            # A stale count there could still say a break is due; it is the row below once Redis forgets it.
            logger.warning("ads: Redis unreachable, the count of listener %s is reset in the database only", user_id)
    defaults: dict[str, object] = {"tracks": 0, "ms": 0}
    if last:
        defaults["last_track_id"] = int(last)
    AdLedger.objects.update_or_create(user_id=user_id, defaults=defaults)
