"""Readiness: is each dependency this process needs answering right now?

Every check runs at once, each on a long-lived thread of its own (so the
clients it builds, an S3 session or a Redis connection, are built once and
kept), with a short deadline: a dependency that hangs is reported with
``"reason": "timeout"`` and never holds the answer up. A check still running
from an earlier probe is waited for again, never started twice, so a hung
dependency ties up its own thread and nothing more. The first round in a
process builds those clients (an S3 session alone takes a few hundred
milliseconds), so it is given longer.

The whole report is kept for ``READYZ_CACHE_SECONDS``: a load balancer that
probes every instance several times a second costs one round of checks a
second. Anyone may see the states; only staff see what went wrong.
"""

import copy
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from core.models import OutboxTask
from search.client import opensearch_index_ready, opensearch_ping

logger = logging.getLogger(__name__)

Report = dict[str, Any]

# The first round's deadline: long enough to build every client, still bounded.
FIRST_ROUND_SECONDS = 5.0


class Degraded(Exception):  # noqa: N818 - a state, as "down" is, not an error
    """Raised by a check whose dependency answers but cannot do all it should: ``reason`` says why."""

    def __init__(self, reason: str, message: str, *, backend: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.backend = backend


def check_timeout() -> float:
    return float(settings.READYZ_CHECK_TIMEOUT_SECONDS)


def _database() -> Report:
    # On the check's own thread, with a connection of its own, kept between checks as a
    # request's is: one that failed or grew too old is dropped first, and a new one made.
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"backend": connection.vendor}


def _cache() -> Report:
    if str(settings.CACHES["default"]["BACKEND"]).startswith("django_redis."):
        # The cache itself may ignore Redis's errors (a miss is not a failure); ask Redis directly.
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
        return {"backend": "redis"}
    cache.set("readyz:probe", "1", timeout=10)
    if cache.get("readyz:probe") != "1":
        raise RuntimeError("the cache did not keep a value")
    return {"backend": "locmem"}


def _broker() -> Report:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"backend": "eager"}
    from spotifyclone.celery import app

    with app.connection_for_write(connect_timeout=check_timeout()) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=max(1, int(check_timeout())))
        return {"backend": conn.transport_cls}


def _storage() -> Report:
    default_storage.exists("readyz-probe")
    return {"backend": settings.STORAGE_BACKEND}


def _search() -> Report:
    if settings.SEARCH_BACKEND == "database":
        return {"backend": "database"}
    opensearch_ping(timeout=check_timeout())
    if not opensearch_index_ready(timeout=check_timeout()):
        # Queries answer from the database until `manage.py search_bootstrap` (or the catch-up) builds it.
        raise Degraded(
            "index_missing",
            "the cluster answers but the site's search alias has no index behind it",
            backend="opensearch",
        )
    return {"backend": "opensearch"}


def _outbox() -> Report:
    """Tasks waiting for the broker (core/outbox.py): a few for a moment is normal, old ones are not."""
    connection.close_if_unusable_or_obsolete()
    waiting = OutboxTask.objects.aggregate(count=Count("id"), oldest=Min("created_at"))
    age = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    if age > float(settings.READYZ_OUTBOX_LAG_SECONDS):
        raise Degraded(
            "backlog",
            f"{waiting['count']} task(s) wait in the outbox, the oldest for {age:.0f} s: is the broker or beat down?",
            backend="database",
        )
    return {"backend": "database", "waiting": waiting["count"], "oldest_seconds": round(age)}


# name -> (check, required). A dependency that is not required is one the site
# goes on without, slower or less fresh: it is reported ``degraded``, and
# /readyz still answers 200. Without Redis every cache read is a miss; without
# the broker tasks wait in the outbox table (which is degraded itself once
# they have waited too long); without OpenSearch (or its index)
# search answers from the database. Without the database or the storage the
# site cannot serve.
CHECKS: dict[str, tuple[Callable[[], Report], bool]] = {
    "database": (_database, True),
    "cache": (_cache, False),
    "broker": (_broker, False),
    "storage": (_storage, True),
    "search": (_search, False),
    "outbox": (_outbox, False),
}


class _Checker:
    """The checks' threads, the checks in flight and the last report: one of each per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads: dict[str, ThreadPoolExecutor] = {}
        self.running: dict[tuple[str, Callable[[], Report]], Future[Report]] = {}
        self.last: tuple[float, Report] | None = None

    def submit(self, name: str, check: Callable[[], Report]) -> Future[Report]:
        if name not in self.threads:
            self.threads[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"readyz-{name}")
        key = (name, check)
        future = self.running.get(key)
        if future is None or future.done():
            future = self.running[key] = self.threads[name].submit(_run, check)
        return future

    def close(self) -> None:
        for thread in self.threads.values():
            thread.shutdown(wait=False, cancel_futures=True)


_checker = _Checker()


def readiness_forget() -> None:
    """Drop the kept report, as a new process would start (tests, and after a fork)."""
    global _checker
    _checker.close()  # a check that hangs is left to finish on its own
    _checker = _Checker()


def _forked() -> None:
    # The parent's threads are not in the child: start afresh without touching their locks.
    global _checker
    _checker = _Checker()


os.register_at_fork(after_in_child=_forked)


def _run(check: Callable[[], Report]) -> Report:
    started = time.perf_counter()
    try:
        result = {"state": "up", **check()}
    except Degraded as exc:
        result = {"state": "degraded", "backend": exc.backend, "reason": exc.reason, "error": str(exc)}
    except Exception as exc:  # any failure means "not ready"; say which
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        result = {"state": "down", "reason": "error", "error": f"{type(exc).__name__}: {message}".rstrip(": ")}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _check_all(checker: _Checker) -> Report:
    timeout = check_timeout() if checker.last is not None else max(check_timeout(), FIRST_ROUND_SECONDS)
    futures = {name: checker.submit(name, check) for name, (check, _required) in CHECKS.items()}
    deadline = time.monotonic() + timeout
    dependencies: dict[str, Report] = {}
    for name, future in futures.items():
        try:
            dependencies[name] = dict(future.result(timeout=max(0.0, deadline - time.monotonic())))
        except FutureTimeout:
            dependencies[name] = {
                "state": "down",
                "reason": "timeout",
                "error": f"no answer within {timeout:g} s",
                "latency_ms": round(timeout * 1000, 1),
            }
    for name, (_check, required) in CHECKS.items():
        dependencies[name]["required"] = required
        if not required and dependencies[name]["state"] == "down":
            dependencies[name]["state"] = "degraded"
        if "error" in dependencies[name]:
            logger.warning("readiness: %s is %s: %s", name, dependencies[name]["state"], dependencies[name]["error"])
    states = {dep["state"] for dep in dependencies.values()}
    status = "down" if "down" in states else "degraded" if "degraded" in states else "ok"
    return {
        "status": status,
        "checked_at": timezone.now().isoformat(timespec="milliseconds"),
        "dependencies": dict(sorted(dependencies.items())),
    }


def readiness_report(*, with_errors: bool = False) -> Report:
    """Each dependency's state; with ``with_errors``, what went wrong too (it may name hosts, paths, users).

    Checked at most once per ``READYZ_CACHE_SECONDS`` in this process; what went
    wrong is logged when it is checked, not on every probe that reads the report.
    """
    checker = _checker
    with checker.lock:
        fresh_for = float(settings.READYZ_CACHE_SECONDS)
        if checker.last is None or time.monotonic() - checker.last[0] >= fresh_for:
            checker.last = (time.monotonic(), _check_all(checker))
        report = copy.deepcopy(checker.last[1])
    if not with_errors:
        for dependency in report["dependencies"].values():
            dependency.pop("error", None)
    return report
