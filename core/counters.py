"""Rates counted in the shared cache, one round trip a request: a sliding window without a list.

``rate_check`` counts one more request under ``key`` and says whether the
requests of the last ``period`` seconds are still within ``limit``. It keeps
a counter per window as long as the period, and weighs the window before by
how much of it still falls within the last period (a sliding window,
approximated: no list of timestamps to read and write back). Every request
counts, a refused one too, so a client that keeps hammering stays refused
until it slows down.

The shared count lives in the cache. On Redis one command adds to it and
reads it back, a short script (INCRBY, EXPIRE on the first count, GET, run by
the server in one step): one round trip, and the least work for the client of
all the ways to send three commands. On another cache backend (the embedded
default's in-memory one) it uses the cache's own ``add`` and ``incr``.

Each process also keeps a tally of its own per key: for ``SYNC_SECONDS``
after it last read the shared count it counts on its own, and sends what it
counted with its next round trip. A client that sends many requests a second
(a script, a load test) then costs a round trip every tenth of a second, not
one a request; another process sees those requests up to ``SYNC_SECONDS``
late, which lets at most that many more through. A listener's occasional
request is counted in the shared count at once, as before.

When the cache cannot be reached the request is let through: counting is
never a reason to fail one.
"""

import logging
import math
import threading
from dataclasses import dataclass

from cachetools import TTLCache
from django.core.cache import cache
from redis.exceptions import RedisError

from core.scripts import Script, redis_client, script_run

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    retry_after: float  # seconds until a request would be let through again; 0 when allowed


ALLOWED = RateVerdict(allowed=True, retry_after=0)


# KEYS: this window's counter, the previous window's; ARGV: how long a counter is kept, what
# to add to this window's, and to the previous one's (counted here before it ended).
_COUNT = Script(
    """
if tonumber(ARGV[3]) > 0 then redis.call('INCRBY', KEYS[2], ARGV[3]) end
local current = redis.call('INCRBY', KEYS[1], ARGV[2])
if current == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {current, tonumber(redis.call('GET', KEYS[2]) or '0')}
"""
)


def _shared_add(key: str, *, window: int, period: int, current: int, previous: int) -> tuple[int, int]:
    """Add to the shared counts of ``window`` and the one before: (this window's count then, the previous one's)."""
    current_key, previous_key = f"{key}:{window}", f"{key}:{window - 1}"
    client = redis_client()
    if client is not None:
        keys = (cache.make_key(current_key), cache.make_key(previous_key))
        counted, before = script_run(client, _COUNT, keys, 2 * period, current, previous)
        return int(counted), int(before)
    if previous:
        cache.add(previous_key, 0, 2 * period)
        cache.incr(previous_key, previous)
    cache.add(current_key, 0, 2 * period)
    return int(cache.incr(current_key, current)), int(cache.get(previous_key) or 0)


SYNC_SECONDS = 0.1


@dataclass
class _Tally:
    """What this process knows of a key's counts, and what it counted since it last told the shared count."""

    window: int
    shared: int  # this window's shared count when last read
    previous: int  # the previous window's, then
    unsent: int  # counted here since
    read_at: float


_tallies: TTLCache[str, _Tally] = TTLCache(maxsize=100_000, ttl=600)
_tallies_lock = threading.Lock()


def _window_counts(key: str, *, window: int, period: int, now: float) -> tuple[int, int]:
    """Count one more under ``key`` in ``window``: (that window's count with it, the previous window's)."""
    with _tallies_lock:
        tally = _tallies.get(key)
        if tally is not None and tally.window == window and 0 <= now - tally.read_at < SYNC_SECONDS:
            tally.unsent += 1
            return tally.shared + tally.unsent, tally.previous
        # Time to tell the shared count: what was counted here goes with this request, once.
        send_current, send_previous = 1, 0
        if tally is not None:
            if tally.window == window:
                send_current += tally.unsent
            elif tally.window == window - 1:
                send_previous = tally.unsent
            tally.unsent = 0
    current, previous = _shared_add(key, window=window, period=period, current=send_current, previous=send_previous)
    with _tallies_lock:
        counted_meanwhile = _tallies[key].unsent if key in _tallies and _tallies[key].window == window else 0
        _tallies[key] = _Tally(window, current, previous, counted_meanwhile, now)
    return current + counted_meanwhile, previous


def rate_tallies_forget() -> None:
    """Forget what this process counted and has not told the shared count (tests start each with none)."""
    with _tallies_lock:
        _tallies.clear()


def rate_check(key: str, *, limit: int, period: int, now: float) -> RateVerdict:
    """Count a request under ``key`` at ``now``, and say whether the last ``period`` seconds hold at most ``limit``."""
    window, into = divmod(now, period)
    try:
        current, previous = _window_counts(key, window=int(window), period=period, now=now)
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
