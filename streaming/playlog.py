"""The play log in Redis: where accepted reports wait for the database, and the live counters they bump.

Accepting a play report (``streaming.services.plays``) appends it to a Redis
Stream, ``plays:log``, and, the first time the play passes
``PLAY_COUNT_THRESHOLD_MS``, bumps the live counters of its track and its
artist, all in one script (one round trip). A periodic task
(``plays_flush``) reads the log through a consumer group and writes it to
the database in bulk: the database is the truth, and these counters are a
view of the last two days that a page may read at once.

The counters, in hours (UTC) of the play's start (its grant), kept
``LIVE_KEEP_SECONDS`` (49 hours)::

    insights:live:{kind}:{id}:{YYYYMMDDHH}      streams (INCR)
    insights:live:{kind}:{id}:{YYYYMMDDHH}:u    listeners (a HyperLogLog of user ids)
    insights:live:{kind}:{id}:{YYYYMMDD}:src    streams by source (a hash)
    insights:live:{kind}:{id}:{YYYYMMDD}:cc     streams by country (a hash)

``kind`` is ``track`` or ``artist``. Every key goes through the cache's
``make_key`` (its prefix and version), like the rest of the project's keys.

This module is what other apps read: ``live_figures``. It writes nothing.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from redis.exceptions import RedisError

from core.scripts import redis_client

logger = logging.getLogger(__name__)

LIVE_KEEP_SECONDS = 49 * 3600
KINDS = ("track", "artist")
STREAM = "plays:log"
GROUP = "plays-flush"


@dataclass(frozen=True)
class LiveFigures:
    """One track's or artist's last hours, from the live counters.

    ``hourly`` holds the streams of each hour, oldest first, the current hour
    last. ``sources`` and ``countries`` cover the whole UTC days the hours
    touch (the counters keep them per day).
    """

    streams: int
    listeners: int
    hourly: list[int]
    sources: dict[str, int]
    countries: dict[str, int]


def stream_key() -> str:
    return cache.make_key(STREAM)


def hour_of(ms: int) -> str:
    """The hour bucket (UTC, ``YYYYMMDDHH``) of a time in ms since the epoch."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y%m%d%H")


def live_key_prefix() -> str:
    """What every counter's key starts with: ``insights:live:`` behind the cache's prefix and version."""
    return cache.make_key("insights:live:")


def live_key(kind: str, item_id: int, bucket: str, suffix: str = "") -> str:
    """A counter's key: ``bucket`` an hour (``YYYYMMDDHH``) or a day (``YYYYMMDD``), ``suffix`` u, src or cc."""
    return live_key_prefix() + f"{kind}:{item_id}:{bucket}" + (f":{suffix}" if suffix else "")


def live_figures(
    *, kind: str, ids: list[int], hours: int = 24, now: datetime | None = None
) -> dict[int, LiveFigures] | None:
    """The last ``hours`` hours (this one included) of each of ``ids``, from the live counters.

    ``None`` (never zeros) when Redis cannot be read, or there is no Redis (the
    embedded default): the caller then counts from the database. An id with
    no plays gets figures of zero. One round trip for all ids.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if hours < 1 or hours > LIVE_KEEP_SECONDS // 3600 - 1:
        raise ValueError("hours out of the counters' reach")
    client = redis_client()
    if client is None:
        return None
    end = (now or datetime.now(tz=UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    buckets = [(end - timedelta(hours=back)).strftime("%Y%m%d%H") for back in range(hours - 1, -1, -1)]
    days = sorted({bucket[:8] for bucket in buckets})
    try:
        with client.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.mget([live_key(kind, item_id, bucket) for bucket in buckets])
                pipe.pfcount(*[live_key(kind, item_id, bucket, "u") for bucket in buckets])
                for day in days:
                    pipe.hgetall(live_key(kind, item_id, day, "src"))
                    pipe.hgetall(live_key(kind, item_id, day, "cc"))
            replies = pipe.execute()
    except RedisError:
        logger.warning("plays: Redis unreachable, no live figures", exc_info=True)
        return None
    figures: dict[int, LiveFigures] = {}
    per_item = 2 + 2 * len(days)
    for index, item_id in enumerate(ids):
        counts, listeners, *hashes = replies[index * per_item : (index + 1) * per_item]
        hourly = [int(count or 0) for count in counts]
        figures[item_id] = LiveFigures(
            streams=sum(hourly),
            listeners=int(listeners),
            hourly=hourly,
            sources=_summed(hashes[0::2]),
            countries=_summed(hashes[1::2]),
        )
    return figures


def _summed(hashes: list[dict[bytes, bytes]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in hashes:
        for name, count in counts.items():
            key = name.decode()
            total[key] = total.get(key, 0) + int(count)
    return dict(sorted(total.items(), key=lambda item: (-item[1], item[0])))
