"""Rates counted in the shared cache, one round trip a request: a sliding window without a list.

``rate_check`` counts one more request under ``key`` and says whether the
requests of the last ``period`` seconds are still within ``limit``. It keeps
a counter per window as long as the period, and weighs the window before by
how much of it still falls within the last period (a sliding window,
approximated: no list of timestamps to read and write back). Every request
counts, a refused one too, so a client that keeps hammering stays refused
until it slows down.

On Redis it is one command, a short script (INCR, EXPIRE on the first count,
GET, run by the server in one step): one round trip, and the least work for
the client of all the ways to send three commands; on another cache
backend (the embedded default's in-memory one) it uses the cache's own
``add`` and ``incr``. When the cache cannot be reached the request is let
through: counting is never a reason to fail one.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from redis.exceptions import NoScriptError, RedisError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    retry_after: float  # seconds until a request would be let through again; 0 when allowed


ALLOWED = RateVerdict(allowed=True, retry_after=0)


def _redis_client() -> Any | None:
    """The Redis client behind the default cache, or ``None`` when the cache is not Redis."""
    from django_redis import get_redis_connection

    try:
        return get_redis_connection("default")
    except NotImplementedError:  # another backend
        return None


# KEYS: this window's counter, the previous window's; ARGV: how long a counter is kept.
_COUNT = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {current, tonumber(redis.call('GET', KEYS[2]) or '0')}
"""
_COUNT_SHA = hashlib.sha1(_COUNT.encode()).hexdigest()  # noqa: S324 - Redis names scripts by their SHA-1


def _run_count(client: Any, *args: object) -> Any:
    """Run the script on a connection of the client's pool: by its hash, and whole when Redis does not know it yet.

    One command on one connection, without the client's per-command layers
    (retries, metrics): this runs on every API request. A connection that
    failed is closed before it goes back to the pool, so no half-read reply
    reaches the next command.
    """
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        try:
            connection.send_command("EVALSHA", _COUNT_SHA, *args)
            return connection.read_response()
        except NoScriptError:  # a new or restarted Redis: send the script itself, which it keeps
            connection.send_command("EVAL", _COUNT, *args)
            return connection.read_response()
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def _window_counts(key: str, *, window: int, period: int) -> tuple[int, int]:
    """Count one more under ``key`` in ``window``: (that window's count with it, the previous window's)."""
    current_key, previous_key = f"{key}:{window}", f"{key}:{window - 1}"
    client = _redis_client()
    if client is not None:
        current, previous = _run_count(client, 2, cache.make_key(current_key), cache.make_key(previous_key), 2 * period)
        return int(current), int(previous)
    cache.add(current_key, 0, 2 * period)
    return int(cache.incr(current_key)), int(cache.get(previous_key) or 0)


def rate_check(key: str, *, limit: int, period: int, now: float) -> RateVerdict:
    """Count a request under ``key`` at ``now``, and say whether the last ``period`` seconds hold at most ``limit``."""
    window, into = divmod(now, period)
    try:
        current, previous = _window_counts(key, window=int(window), period=period)
    except (RedisError, OSError, ValueError) as exc:  # a cache that is down counts nothing
        logger.debug("Could not count %s: %s", key, exc)
        return ALLOWED
    if current + previous * (1 - into / period) <= limit:
        return ALLOWED
    if current > limit or previous == 0:
        return RateVerdict(allowed=False, retry_after=period - into)  # only the next window can let it in
    # previous * (1 - t / period) + current <= limit  <=>  t >= period * (1 - (limit - current) / previous)
    needed = period * (1 - (limit - current) / previous)
    return RateVerdict(allowed=False, retry_after=max(math.ceil(needed - into), 1))
