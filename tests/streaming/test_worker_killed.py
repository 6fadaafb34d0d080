"""A transcoding worker killed mid-task: the task runs again elsewhere, and listeners never see a partial set.

Needs the real services: a Celery worker process consuming the Redis broker,
against the test database and the S3 bucket.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from spotifyclone.celery import app as celery_app
from streaming import tasks
from streaming.models import TrackMedia
from streaming.storage import renditions_storage

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """A Celery worker in its own process group, with its log kept for the test to read."""

    def __init__(self) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            # This test's own folder of the bucket, where the original was uploaded.
            "AWS_LOCATION": settings.STORAGES["default"]["OPTIONS"]["location"],
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            # This run's own Redis database, which its tasks are sent to (tests/conftest.py).
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": "3",  # hand a dead worker's task out again quickly
        }
        command = [sys.executable, "-m", "celery", "-A", "spotifyclone", "worker", "-Q", "transcode,default"]
        command += ["-P", "solo", "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "INFO"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def saw(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def kill(self) -> None:
        """SIGKILL the whole group: the worker and the FFmpeg it runs, with no chance to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _wait_for(condition, *, timeout: float, what: str, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            log = "".join(worker.lines[-30:]) if worker else ""
            raise AssertionError(f"timed out waiting for {what}\n{log}")
        time.sleep(0.05)


def _complete(media: TrackMedia) -> bool:
    storage = renditions_storage()
    names = [f"aac_{b}.m4a" for b in media.bitrates] + [f"hls/master_{b}.m3u8" for b in media.bitrates]
    return all(storage.exists(f"{media.folder}{name}") for name in names)


def test_a_killed_transcode_is_retried_and_never_half_visible(published_track):
    before = TrackMedia.objects.get(track=published_track)
    assert _complete(before)
    with celery_app.connection_for_write() as conn:
        for queue in ("transcode", "default"):
            conn.default_channel.queue_purge(queue)
    celery_app.conf.task_always_eager = False

    tasks.track_transcode.delay(published_track.pk, True)
    first = Worker()
    try:
        _wait_for(
            lambda: first.saw("track_transcode"), timeout=60, what="the first worker to take the task", worker=first
        )
    finally:
        first.kill()

    during = TrackMedia.objects.get(track=published_track)
    assert during.version == before.version  # the dead worker switched nothing
    assert _complete(during)

    second = Worker()
    try:
        _wait_for(
            lambda: TrackMedia.objects.get(track=published_track).version != before.version,
            timeout=120,
            what="the retried task to switch the track",
            worker=second,
        )
        after = TrackMedia.objects.get(track=published_track)
        assert _complete(after)  # switched to only once every file was in place
        _wait_for(
            lambda: not renditions_storage().exists(f"{before.folder}aac_64.m4a"),
            timeout=60,
            what="the old version to be deleted",
            worker=second,
        )
    finally:
        second.kill()
    published_track.refresh_from_db()
    assert published_track.status == "ready"
