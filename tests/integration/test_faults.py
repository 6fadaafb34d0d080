"""One real service fails while the site runs, and the site copes: `make services-up` first.

Each test stops a service with scripts/services.sh and starts it again in a ``finally``,
so they are marked ``faults`` and run alone, after the rest (``make test-services``).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from rest_framework.test import APIClient

from catalog.models import Track
from tests.services import services

pytestmark = [pytest.mark.services, pytest.mark.faults]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    """The status of a GET, 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture
def gunicorn(django_db_setup: None, django_db_blocker) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py and DEBUG off, on the test database; its base URL."""
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl(),
        "REDIS_URL": settings.REDIS_URL,  # this run's Redis database, not the site's
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-under-test-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below, after the process
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "spotifyclone.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get(f"{url}/healthz") != 200:
            assert server.poll() is None, "gunicorn exited before it answered"
            assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_requests_succeed_again_once_postgresql_has_restarted_under_gunicorn(gunicorn):
    page = f"{gunicorn}/api/v1/genres/"  # anonymous, and read from the database each time
    before = [_get(page) for _ in range(4)]  # each of gunicorn's threads holds a connection now

    try:
        stopped = services("stop", "postgres")
        during = _get(page)
    finally:
        started = services("start", "postgres")
        connections.close_all()  # this process's own connections died with the server too
    after = [_get(page) for _ in range(6)]

    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr
    assert before == [200] * 4
    assert during >= 500
    # The connections held from before the restart are found dead (CONN_HEALTH_CHECKS) and replaced,
    # so not even the first request after it fails.
    assert after == [200] * 6


def _bucket_keys(prefix: str) -> list[str]:
    options = settings.STORAGES["default"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"] or "us-east-1",
    )
    listed = s3.list_objects_v2(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.mark.django_db
def test_an_upload_while_s3_is_down_is_refused_with_a_503_and_keeps_nothing(artist, owner, audio_bytes):
    api = APIClient()
    api.force_authenticate(owner)
    originals = f"{settings.STORAGES['default']['OPTIONS']['location']}/originals/"

    try:
        stopped = services("stop", "s3")
        response = api.post(
            "/api/v1/uploads/",
            {"artist": artist.pk, "file": SimpleUploadedFile("Aurora.mp3", audio_bytes("mp3"))},
            format="multipart",
        )
    finally:
        started = services("start", "s3")

    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr
    assert response.status_code == 503
    assert response.json() == {
        "error": {
            "status": 503,
            "code": "storage_unavailable",
            "message": "The file store is not answering just now, so the upload was not kept. "
            "Try again in a few minutes.",
            "details": {},
        }
    }
    assert not Track.objects.exists()
    assert _bucket_keys(originals) == []
