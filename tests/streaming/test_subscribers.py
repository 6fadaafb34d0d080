"""Streaming acts on what the catalog announces: an upload or a reprocess is transcoded, a deletion's renditions go."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.events import TrackUploaded
from catalog.models import Artist, Track
from catalog.services.tracks import track_delete, track_reprocess, track_upload
from core.events import unsubscribe
from core.models import OutboxTask
from streaming import subscribers
from streaming.models import TrackMedia
from streaming.storage import renditions_storage

pytestmark = pytest.mark.django_db


def _queued() -> list[tuple[str, list[Any]]]:
    """Streaming's tasks waiting in the outbox (search's are queued too, by its own signals)."""
    return list(OutboxTask.objects.filter(task__startswith="streaming.").order_by("id").values_list("task", "args"))


def _files(folder: str) -> list[str]:
    """Every file under ``folder`` of the renditions' storage."""
    try:
        dirs, files = renditions_storage().listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in files] + [name for sub in dirs for name in _files(f"{folder}/{sub}")]


def test_an_upload_queues_its_transcode_through_the_catalogs_event(
    artist: Artist, owner: Any, audio_bytes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Polar Night.flac", audio_bytes("flac")))

    assert _queued() == [("streaming.tasks.track_transcode", [track.pk])]

    OutboxTask.objects.all().delete()
    unsubscribe(TrackUploaded, subscribers.transcode_uploaded)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Aurora.flac", audio_bytes("flac")))
    finally:
        subscribers.subscribe_all()

    assert _queued() == []  # nobody listening: the catalog itself queues nothing


def test_an_upload_is_transcoded_and_ready(
    artist: Artist, owner: Any, audio_bytes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Polar Night.flac", audio_bytes("flac")))

    track.refresh_from_db()
    assert (track.status, track.failure_reason) == (Track.Status.READY, "")
    assert track.duration_ms == TrackMedia.objects.get(track=track).duration_ms


def test_a_reprocess_queues_a_forced_transcode(published_track: Track, owner: Any) -> None:
    OutboxTask.objects.all().delete()

    track_reprocess(track=published_track, by=owner)

    assert _queued() == [("streaming.tasks.track_transcode", [published_track.pk, True])]


def test_a_deleted_tracks_renditions_are_deleted_after_commit(
    published_track: Track, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    track_id, version = published_track.pk, TrackMedia.objects.get(track=published_track).version
    folder = f"renditions/{track_id}/{version}"
    assert _files(folder)

    with django_capture_on_commit_callbacks(execute=True):
        track_delete(track=published_track, by=owner)

    assert _files(folder) == []
