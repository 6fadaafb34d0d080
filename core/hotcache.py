"""Data read on every request of a hot path, kept a few seconds in the process and longer in the shared cache.

A stream grant or a token check reads the same few small rows thousands of
times a second. They are kept twice: in the shared cache (Redis in services
mode, ``caches["default"]``) for ``seconds``, where a change deletes them at
once, and in the process itself for at most ``HOT_CACHE_LOCAL_SECONDS``, so
that a warm read costs no round trip at all. The process's copies are a
bounded time-to-live map (``cachetools.TTLCache``, ``LOCAL_ENTRIES`` at most,
the least recently used going first).

What that costs: after a change, a process that read the value just before
may go on using its copy for up to ``HOT_CACHE_LOCAL_SECONDS`` (5 s by
default); the process where the change was made forgets it at once. Keep only
what may be that stale here. Values are kept pickled and every read gets a
copy of its own, so a caller may change what it got without touching anyone
else's.
"""

import pickle
import threading
import time
from typing import Any

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import cache

LOCAL_ENTRIES = 50_000

_clock = time.monotonic
_lock = threading.Lock()
_local: TTLCache[str, tuple[float, bytes]] = TTLCache(maxsize=LOCAL_ENTRIES, ttl=3600, timer=time.monotonic)


def _remember_here(key: str, value: Any, seconds: float) -> None:
    """Keep a pickled copy here until ``seconds`` from now, at most ``HOT_CACHE_LOCAL_SECONDS``."""
    until = _clock() + min(float(settings.HOT_CACHE_LOCAL_SECONDS), seconds)
    copy = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _lock:
        _local[key] = (until, copy)


def hot_get(key: str) -> Any:
    """The value under ``key``, from the process if it has it, else from the shared cache; ``None`` if neither."""
    with _lock:
        entry = _local.get(key)
    if entry is not None and entry[0] > _clock():
        return pickle.loads(entry[1])  # noqa: S301 - pickled by this process, a moment ago
    value = cache.get(key)
    if value is not None:
        _remember_here(key, value, settings.HOT_CACHE_LOCAL_SECONDS)
    return value


def hot_set(key: str, value: Any, seconds: float) -> None:
    cache.set(key, value, seconds)
    _remember_here(key, value, seconds)


def hot_forget(*keys: str) -> None:
    """Forget ``keys`` here and in the shared cache; other processes' copies expire by themselves."""
    if keys:
        cache.delete_many(keys)
        with _lock:
            for key in keys:
                _local.pop(key, None)


def hot_forget_here() -> None:
    """Forget every copy this process keeps (tests start each with none)."""
    with _lock:
        _local.clear()
