"""The real services, used for real: each test needs `make services-up` (see README)."""

import time
import urllib.request
import uuid
from datetime import timedelta

import boto3
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_redis import get_redis_connection
from oauth2_provider.models import AccessToken, Application

from accounts.tasks import oauth_tokens_clear
from spotifyclone.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.services import services

pytestmark = pytest.mark.services


def _wait_for(condition, *, timeout: float = 20.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.mark.django_db
def test_the_database_is_postgresql_with_the_extensions_search_needs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent') ORDER BY name")
        available = [row[0] for row in cursor.fetchall()]

    assert connection.vendor == "postgresql"
    assert available == ["pg_trgm", "unaccent"]


def test_the_cache_is_redis():
    key = f"probe-{uuid.uuid4().hex}"
    cache.set(key, {"plays": 3}, timeout=30)

    raw_keys = get_redis_connection("default").keys(f"*{key}*")

    assert cache.get(key) == {"plays": 3}
    assert len(raw_keys) == 1


def test_blobs_land_in_the_s3_bucket_and_leave_it():
    name = default_storage.save("probe/hello.txt", ContentFile(b"hello, bucket"))
    s3 = boto3.client(
        "s3",
        endpoint_url=settings.STORAGES["default"]["OPTIONS"]["endpoint_url"],
        aws_access_key_id=settings.STORAGES["default"]["OPTIONS"]["access_key"],
        aws_secret_access_key=settings.STORAGES["default"]["OPTIONS"]["secret_key"],
        region_name="us-east-1",
    )
    key = default_storage._normalize_name(name)  # type: ignore[attr-defined]

    stored = s3.get_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)["Body"].read()
    default_storage.delete(name)

    assert stored == b"hello, bucket"
    assert not default_storage.exists(name)


@pytest.mark.parametrize("region", ["eu", "us"])
def test_each_edge_answers_on_its_own_port(region):
    with urllib.request.urlopen(f"{settings.EDGE_URLS[region]}/_edge/health", timeout=5) as response:
        assert response.status == 200
        assert response.headers["X-Edge"] == region


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker consuming the Redis broker, in a thread of this process."""
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_tasks_travel_through_the_redis_broker_to_a_worker(celery_worker):
    user = UserFactory()
    application = Application.objects.create(
        name="probe", client_type="public", authorization_grant_type="password", user=user
    )
    AccessToken.objects.create(
        user=user, application=application, token="expired", expires=timezone.now() - timedelta(days=30)
    )

    oauth_tokens_clear.delay()

    assert _wait_for(lambda: not AccessToken.objects.filter(token="expired").exists())


@pytest.mark.faults
def test_a_task_queued_in_redis_survives_its_restart():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"restart-probe-{uuid.uuid4().hex[:8]}"
    celery_app.send_task("spotifyclone.probe", queue=queue)
    assert broker.llen(queue) == 1

    try:
        stopped = services("stop", "redis")
        down = not _wait_for(_pong(broker), timeout=0.5)
    finally:
        started = services("start", "redis")
    back = _wait_for(_pong(broker))

    assert stopped.returncode == 0, stopped.stderr
    assert down
    assert started.returncode == 0, started.stderr
    assert back
    assert broker.llen(queue) == 1
    broker.delete(queue)


def _pong(client: redis.Redis):
    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    return answers
