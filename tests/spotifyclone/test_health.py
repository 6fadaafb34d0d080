import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.models import OutboxTask
from search.client import alias_name, opensearch_client
from search.rebuild import search_rebuild
from spotifyclone import health
from spotifyclone.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.services import services

DEPENDENCIES = {"broker", "cache", "database", "outbox", "search", "storage"}


@pytest.fixture(autouse=True)
def _fresh_report(settings: Any) -> Iterator[None]:
    """Each test checks afresh: the report one kept is not another's."""
    settings.READYZ_CACHE_SECONDS = 0
    health.readiness_forget()
    yield
    health.readiness_forget()


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_names_every_dependency(client):
    search_rebuild()  # in services mode, the index behind this test's alias

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["dependencies"]) == DEPENDENCIES
    assert {dep["state"] for dep in body["dependencies"].values()} == {"up"}
    assert body["dependencies"]["search"]["required"] is False
    assert body["dependencies"]["database"]["required"] is True


@pytest.mark.django_db
def test_readyz_stays_200_and_names_the_cache_degraded_when_it_is_down(client, settings, staff):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(staff)

    response = client.get("/readyz")

    # Every cache read is then a miss: the site serves, slower.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    cache = body["dependencies"]["cache"]
    assert (cache["state"], cache["reason"], cache["required"]) == ("degraded", "error", False)
    assert "Connection" in cache["error"]
    assert body["dependencies"]["database"]["state"] == "up"


def _storage_check_failing() -> health.Report:
    raise RuntimeError("disk full on /srv/spotifyclone/media (uid 998)")


@pytest.mark.django_db
def test_readyz_shows_everyone_the_states_and_staff_alone_the_errors(client, monkeypatch, staff, caplog):
    monkeypatch.setitem(health.CHECKS, "storage", (_storage_check_failing, True))
    viewers = {"anonymous": None, "listener": UserFactory(username="listener"), "staff": staff}

    replies = {}
    for who, user in viewers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        replies[who] = client.get("/readyz")

    assert {who: reply.status_code for who, reply in replies.items()} == {
        "anonymous": 503,
        "listener": 503,
        "staff": 503,
    }
    storage = {who: reply.json()["dependencies"]["storage"] for who, reply in replies.items()}
    assert {who: {k: v for k, v in dep.items() if k != "latency_ms"} for who, dep in storage.items()} == {
        "anonymous": {"state": "down", "reason": "error", "required": True},
        "listener": {"state": "down", "reason": "error", "required": True},
        "staff": {
            "state": "down",
            "reason": "error",
            "required": True,
            "error": "RuntimeError: disk full on /srv/spotifyclone/media (uid 998)",
        },
    }
    assert {who: reply.json()["status"] for who, reply in replies.items()} == dict.fromkeys(viewers, "down")
    assert all(b"/srv/" not in replies[who].content for who in ("anonymous", "listener"))
    # The operator finds the error in the log whoever asked.
    storage_logged = [r.getMessage() for r in caplog.records if "storage" in r.getMessage()]
    assert (
        storage_logged
        == ["readiness: storage is down: RuntimeError: disk full on /srv/spotifyclone/media (uid 998)"] * 3
    )


@pytest.mark.django_db
def test_readyz_stays_200_with_the_broker_degraded_when_it_is_down(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    # Tasks wait in the outbox until the broker is back.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    broker = response.json()["dependencies"]["broker"]
    assert (broker["state"], broker["reason"], broker["required"]) == ("degraded", "error", False)


@pytest.mark.django_db
def test_readyz_stays_200_with_search_degraded_when_opensearch_is_down(client, settings):
    settings.SEARCH_BACKEND = "opensearch"
    settings.OPENSEARCH_URL = "http://127.0.0.1:1"
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["dependencies"]["search"]["state"] == "degraded"


@pytest.mark.django_db
@pytest.mark.services
def test_readyz_in_services_mode_reports_each_real_service(client):
    search_rebuild()  # this test's own index, behind this test's own alias

    response = client.get("/readyz")

    assert response.status_code == 200
    deps = response.json()["dependencies"]
    backends = {name: deps[name].get("backend") for name in DEPENDENCIES}
    assert backends == {
        "database": "postgresql",
        "cache": "redis",
        "broker": "redis",
        "storage": "s3",
        "search": "opensearch",
        "outbox": "database",
    }
    assert {dep["state"] for dep in deps.values()} == {"up"}


def _counted(calls: list[str], name: str) -> health.Report:
    calls.append(name)
    return {"backend": "counted"}


@pytest.mark.django_db
def test_readyz_keeps_its_report_for_a_moment_so_frequent_probes_check_once(client, settings, monkeypatch, caplog):
    settings.READYZ_CACHE_SECONDS = 60
    calls: list[str] = []
    monkeypatch.setitem(health.CHECKS, "storage", (lambda: _counted(calls, "storage"), True))
    monkeypatch.setitem(health.CHECKS, "search", (_storage_check_failing, False))

    replies = [client.get("/readyz") for _ in range(3)]

    assert [reply.status_code for reply in replies] == [200, 200, 200]
    assert calls == ["storage"]
    assert len({reply.json()["checked_at"] for reply in replies}) == 1
    assert {reply.json()["dependencies"]["search"]["state"] for reply in replies} == {"degraded"}
    # What went wrong is logged when it is found, not on every probe that reads the report.
    assert [
        r.getMessage() for r in caplog.records if r.name == "spotifyclone.health" and "search" in r.getMessage()
    ] == ["readiness: search is degraded: RuntimeError: disk full on /srv/spotifyclone/media (uid 998)"]

    settings.READYZ_CACHE_SECONDS = 0
    client.get("/readyz")
    assert calls == ["storage", "storage"]


@pytest.mark.django_db
def test_a_check_that_hangs_is_reported_timed_out_and_not_started_again_while_it_hangs(client, settings, monkeypatch):
    client.get("/readyz")  # the first round, which builds each check's client, is given longer
    released = threading.Event()
    calls: list[str] = []

    def hangs() -> health.Report:
        calls.append("search")
        released.wait(timeout=60)
        return {"backend": "hung"}

    monkeypatch.setitem(health.CHECKS, "search", (hangs, False))
    try:
        first = client.get("/readyz")
        second = client.get("/readyz")
    finally:
        released.set()

    assert [first.status_code, second.status_code] == [200, 200]
    for reply in (first, second):
        body = reply.json()
        assert body["status"] == "degraded"
        search = body["dependencies"]["search"]
        assert (search["state"], search["reason"], search["required"]) == ("degraded", "timeout", False)
        assert {name: dep["state"] for name, dep in body["dependencies"].items() if name != "search"} == dict.fromkeys(
            DEPENDENCIES - {"search"}, "up"
        )
    assert calls == ["search"]  # the second probe waited for the same check; it did not start another


@pytest.mark.django_db
def test_a_required_check_that_hangs_makes_readyz_503(client, settings, monkeypatch):
    client.get("/readyz")  # the first round, which builds each check's client, is given longer
    released = threading.Event()
    monkeypatch.setitem(health.CHECKS, "storage", (lambda: released.wait(timeout=60) and {}, True))
    try:
        response = client.get("/readyz")
    finally:
        released.set()

    assert response.status_code == 503
    storage = response.json()["dependencies"]["storage"]
    assert (response.json()["status"], storage["state"], storage["reason"]) == ("down", "down", "timeout")


@pytest.mark.django_db
@pytest.mark.services
def test_readyz_says_search_is_degraded_when_its_index_is_missing(client):
    """OpenSearch answers, but the alias this site searches through has no index: queries go to the database."""
    search_rebuild()
    assert client.get("/readyz").json()["dependencies"]["search"]["state"] == "up"

    opensearch_client().indices.delete(index=f"{alias_name()}-*")
    health.readiness_forget()
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    search = body["dependencies"]["search"]
    assert (search["state"], search["reason"], search["backend"]) == ("degraded", "index_missing", "opensearch")


@pytest.mark.django_db
@pytest.mark.services
@pytest.mark.faults
def test_readyz_stays_200_with_cache_and_broker_degraded_while_redis_is_stopped(client):
    search_rebuild()
    try:
        stopped = services("stop", "redis")
        response = client.get("/readyz")
    finally:
        started = services("start", "redis")

    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert {name: (dep["state"], dep.get("reason")) for name, dep in body["dependencies"].items()} == {
        "broker": ("degraded", "error"),
        "cache": ("degraded", "error"),
        "database": ("up", None),
        "outbox": ("up", None),
        "search": ("up", None),
        "storage": ("up", None),
    }
    health.readiness_forget()
    assert client.get("/readyz").json()["status"] == "ok"  # and back once Redis is


@pytest.mark.django_db(transaction=True)  # the checks read on threads of their own: commit for real
def test_readyz_counts_the_tasks_waiting_for_the_broker_and_degrades_when_they_wait_too_long(client, settings):
    settings.READYZ_OUTBOX_LAG_SECONDS = 300
    fresh = timezone.now()
    OutboxTask.objects.create(task="search.tasks.search_documents_sync", args=["album", [1]], due_at=fresh)
    waiting = client.get("/readyz").json()["dependencies"]["outbox"]

    OutboxTask.objects.update(created_at=fresh - timedelta(minutes=6))
    health.readiness_forget()
    stuck = client.get("/readyz")

    assert (waiting["state"], waiting["waiting"]) == ("up", 1)
    assert stuck.status_code == 200
    assert stuck.json()["dependencies"]["outbox"] == {
        "state": "degraded",
        "backend": "database",
        "reason": "backlog",
        "required": False,
        "latency_ms": stuck.json()["dependencies"]["outbox"]["latency_ms"],
    }
