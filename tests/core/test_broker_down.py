"""With Redis stopped, the broker is gone: work that must happen waits in the outbox and happens when it is back."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from catalog.models import Track
from core.models import OutboxTask
from search.rebuild import search_rebuild
from spotifyclone.celery import app as celery_app
from tests.services import services
from tests.streaming.conftest import published_track  # noqa: F401 - a ready track on a published album

pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _eventually(condition, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _album_titles(api: APIClient, query: str) -> list[str]:
    found = api.get("/api/v1/search/", {"q": query, "type": "album"})
    return [album["title"] for album in found.json()["albums"]["items"]] if found.status_code == 200 else []


def test_an_upload_and_an_edit_made_without_the_broker_are_processed_when_it_returns(
    published_track,  # noqa: F811
    owner,
    audio_bytes,
):
    search_rebuild()
    album = published_track.album
    artist_api, listener_api = APIClient(), APIClient()
    artist_api.force_authenticate(owner)
    celery_app.conf.task_always_eager = False
    try:
        try:
            stopped = services("stop", "redis")
            upload = artist_api.post(
                "/api/v1/uploads/",
                {"artist": album.artist_id, "file": SimpleUploadedFile("Aurora.flac", audio_bytes("flac"))},
                format="multipart",
            )
            edit = artist_api.patch(f"/api/v1/albums/{album.pk}/", {"title": "Southern Lights"}, format="json")
            waiting = set(OutboxTask.objects.values_list("task", flat=True))
        finally:
            started = services("start", "redis")
        assert stopped.returncode == 0, stopped.stderr
        assert started.returncode == 0, started.stderr
        assert (upload.status_code, edit.status_code) == (201, 200)
        assert {"streaming.tasks.track_transcode", "search.tasks.search_documents_sync"} <= waiting
        assert _album_titles(listener_api, "southern") == []  # the index has not heard of the edit yet

        call_command("outbox_relay")
        uploaded = Track.objects.get(pk=upload.json()["id"])
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["default", "transcode"]
        ):
            transcoded = _eventually(lambda: Track.objects.get(pk=uploaded.pk).status == Track.Status.READY)
            indexed = _eventually(lambda: _album_titles(listener_api, "southern") == ["Southern Lights"])
    finally:
        celery_app.conf.task_always_eager = True

    assert transcoded
    assert indexed
    assert OutboxTask.objects.count() == 0
