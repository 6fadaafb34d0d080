"""What each listener's pages ask for on every track row, kept in the cache.

Liked-track ids and the playlists a listener may add to are read once per
request from the cache (Redis in services mode) instead of the database. Each
listener has a version key; every change to their library or playlists
replaces it once the change commits, so the next request reads fresh data and
the stale entries simply expire.

The cache is a convenience: when it cannot be reached, pages read the database
and say so in the log, rather than failing.
"""

import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 24 * 3600
T = TypeVar("T")
logger = logging.getLogger(__name__)


def _version_key(user_id: int) -> str:
    return f"playlists:user:{user_id}:version"


def _version(user_id: int) -> str:
    key = _version_key(user_id)
    version: str | None = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(6), None)
        version = cache.get(key) or ""
    return version


def cached_for_user(user_id: int, name: str, load: Callable[[], T]) -> T:
    """``load()``'s answer for this user, from the cache while nothing of theirs changed."""
    try:
        key = f"playlists:user:{user_id}:{_version(user_id)}:{name}"
        value: Any = cache.get(key)
    except Exception:
        logger.warning("The cache is unreachable: reading %s of user %s from the database.", name, user_id)
        return load()
    if value is None:
        value = load()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("The cache is unreachable: %s of user %s is not kept.", name, user_id)
    return value


def user_cache_invalidate(*user_ids: int) -> None:
    """Forget what is cached for these users: now, and again once the current transaction commits.

    Now, so that the rest of this request (and a test inside one transaction)
    reads fresh; after commit, so that a reader who filled the cache in between
    with what it read before the commit does not keep it.
    """
    ids = sorted(set(user_ids))

    def bump(ids: Iterable[int] = ids) -> None:
        try:
            cache.set_many({_version_key(pk): secrets.token_hex(6) for pk in ids}, None)
        except Exception:
            logger.error("The cache is unreachable: what it holds for users %s may be stale.", ids)

    if ids:
        bump()
        transaction.on_commit(bump)
