"""Readiness: is each dependency this process needs answering right now?

Each check runs with a short timeout of its own and all of them run at once,
so ``/readyz`` answers within a few seconds even when a dependency hangs.
Anyone may see the states; only staff see what went wrong.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection

from search.client import opensearch_ping

CHECK_TIMEOUT_SECONDS = 3.0
logger = logging.getLogger(__name__)

Report = dict[str, Any]


def _database() -> Report:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"backend": connection.vendor}


def _cache() -> Report:
    backend = "redis" if settings.REDIS_URL else "locmem"
    cache.set("readyz:probe", "1", timeout=10)
    if cache.get("readyz:probe") != "1":
        raise RuntimeError("the cache did not keep a value")
    return {"backend": backend}


def _broker() -> Report:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"backend": "eager"}
    from spotifyclone.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=int(CHECK_TIMEOUT_SECONDS))
        return {"backend": conn.transport_cls}


def _storage() -> Report:
    default_storage.exists("readyz-probe")
    return {"backend": settings.STORAGE_BACKEND}


def _search() -> Report:
    if settings.SEARCH_BACKEND == "database":
        return {"backend": "database"}
    opensearch_ping(timeout=CHECK_TIMEOUT_SECONDS)
    return {"backend": "opensearch"}


# name -> (check, required). Search is not required: when OpenSearch is down
# queries fall back to the database, so the service is degraded, not down.
CHECKS: dict[str, tuple[Callable[[], Report], bool]] = {
    "database": (_database, True),
    "cache": (_cache, True),
    "broker": (_broker, True),
    "storage": (_storage, True),
    "search": (_search, False),
}


def _run(check: Callable[[], Report]) -> Report:
    started = time.perf_counter()
    try:
        result = {"state": "up", **check()}
    except Exception as exc:  # any failure means "not ready"; say which
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        result = {"state": "down", "error": f"{type(exc).__name__}: {message}".rstrip(": ")}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def readiness_report(*, with_errors: bool = False) -> Report:
    """Each dependency's state; with ``with_errors``, what went wrong too (it may name hosts, paths, users)."""
    dependencies: dict[str, Report] = {}
    # The database is checked on this thread, with this request's connection.
    others = {name: spec for name, spec in CHECKS.items() if name != "database"}
    pool = ThreadPoolExecutor(max_workers=len(others), thread_name_prefix="readyz")
    futures = {name: pool.submit(_run, check) for name, (check, _required) in others.items()}
    dependencies["database"] = _run(CHECKS["database"][0])
    deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS + 1
    for name, future in futures.items():
        try:
            dependencies[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            dependencies[name] = {"state": "down", "error": "timed out"}
    # A check that hangs past its deadline is left to finish on its own.
    pool.shutdown(wait=False, cancel_futures=True)
    for name, (_check, required) in CHECKS.items():
        dependencies[name]["required"] = required
        if not required and dependencies[name]["state"] == "down":
            dependencies[name]["state"] = "degraded"
    for name, dependency in dependencies.items():
        if "error" in dependency:
            logger.warning("readiness: %s is %s: %s", name, dependency["state"], dependency["error"])
            if not with_errors:
                del dependency["error"]
    states = {dep["state"] for dep in dependencies.values()}
    status = "down" if "down" in states else "degraded" if "degraded" in states else "ok"
    return {"status": status, "dependencies": dict(sorted(dependencies.items()))}
