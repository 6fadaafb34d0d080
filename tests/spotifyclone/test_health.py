import pytest

from spotifyclone import health
from spotifyclone.celery import app as celery_app
from tests.accounts.factories import UserFactory

DEPENDENCIES = {"broker", "cache", "database", "search", "storage"}


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_names_every_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["dependencies"]) == DEPENDENCIES
    assert {dep["state"] for dep in body["dependencies"].values()} == {"up"}
    assert body["dependencies"]["search"]["required"] is False
    assert body["dependencies"]["database"]["required"] is True


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_cache_when_it_is_down(client, settings, staff):
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

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["dependencies"]["cache"]["state"] == "down"
    assert "Connection" in body["dependencies"]["cache"]["error"]
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
        "anonymous": {"state": "down", "required": True},
        "listener": {"state": "down", "required": True},
        "staff": {
            "state": "down",
            "required": True,
            "error": "RuntimeError: disk full on /srv/spotifyclone/media (uid 998)",
        },
    }
    assert {who: reply.json()["status"] for who, reply in replies.items()} == dict.fromkeys(viewers, "down")
    assert all(b"/srv/" not in replies[who].content for who in ("anonymous", "listener"))
    # The operator finds the error in the log whoever asked.
    assert [r.getMessage() for r in caplog.records if r.name == "spotifyclone.health"] == [
        "readiness: storage is down: RuntimeError: disk full on /srv/spotifyclone/media (uid 998)"
    ] * 3


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_down(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["dependencies"]["broker"]["state"] == "down"


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
    }
    assert {dep["state"] for dep in deps.values()} == {"up"}
