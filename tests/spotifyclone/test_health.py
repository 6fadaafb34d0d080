import pytest

from spotifyclone.celery import app as celery_app

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
def test_readyz_is_503_and_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["dependencies"]["cache"]["state"] == "down"
    assert "Connection" in body["dependencies"]["cache"]["error"]
    assert body["dependencies"]["database"]["state"] == "up"


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
