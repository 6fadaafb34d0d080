import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from tests.catalog.conftest import png_bytes


@pytest.fixture
def published_track(artist, owner, audio_bytes, django_capture_on_commit_callbacks) -> Track:
    """A ready, transcoded track on a published album."""
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Polar Night.flac", audio_bytes("flac")))
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")
    album_tracks_add(album=album, by=owner, track_ids=[track.pk])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    album_publish(album=album, by=owner)
    track.refresh_from_db()
    return track


class Clock:
    """The clock stream grants and play reports are measured by, stopped until a test moves it on."""

    def __init__(self) -> None:
        self.now_ms = 1_764_100_000_000

    def advance(self, *, ms: int) -> None:
        self.now_ms += ms


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from streaming import receipts

    stopped = Clock()
    monkeypatch.setattr(receipts, "clock_ms", lambda: stopped.now_ms)
    return stopped
