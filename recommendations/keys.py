"""Cache keys of the recommendations, shared by the reads and the writes.

Every listener's key carries the model's generation, which each periodic run bumps: after a
run every listener's list is stale at once, without deleting keys one by one.
"""

from django.core.cache import cache

GENERATION_KEY = "recs:generation"
LISTENER_TIMEOUT = 6 * 60 * 60  # hot for six hours; the periodic run refreshes active listeners sooner
SEEDS_TIMEOUT = 10 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, timeout=None)
    return int(value)


def listener_key(user_id: int) -> str:
    return f"recs:listener:{user_id}:g{generation()}"


def mixes_key(user_id: int) -> str:
    return f"recs:mixes:{user_id}:g{generation()}"


def seeds_key(*, tracks: list[int], artists: list[int], genres: list[str]) -> str:
    seeds = (
        ",".join(map(str, sorted(tracks))) + "|" + ",".join(map(str, sorted(artists))) + "|" + ",".join(sorted(genres))
    )
    return f"recs:seeds:g{generation()}:{seeds}"


def generation_bump() -> None:
    """Make every cached list stale (after a run of the model)."""
    if cache.add(GENERATION_KEY, 2, timeout=None):
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls
        cache.add(GENERATION_KEY, 2, timeout=None)


def listener_forget(user_id: int) -> None:
    """Drop one listener's cached lists (they liked a track, followed an artist)."""
    cache.delete_many([listener_key(user_id), mixes_key(user_id)])
