"""Previews for visitors without an account: made at transcode, backfilled, granted alone, throttled."""

from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from rest_framework import throttling

from catalog.audio import audio_probe
from catalog.models import Album
from catalog.synth import audio_synthesise
from streaming.models import TrackMedia
from streaming.storage import renditions_storage
from streaming.transcode import PREVIEW_FILE, preview_window, transcode_preview
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded_edge(settings):
    settings.EDGE_URLS = {}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_preview_window_starts_30_percent_in_and_ends_within_the_track():
    assert preview_window(200_000, seconds=30) == (60_000, 30_000)
    assert preview_window(40_000, seconds=30) == (10_000, 30_000)  # 30 % in would end past the track
    assert preview_window(20_000, seconds=30) == (0, 20_000)  # shorter than a preview: the whole of it


def test_a_preview_is_a_30_second_excerpt_at_a_low_bitrate(tmp_path: Path):
    source = audio_synthesise(tmp_path / "long.flac", seconds=50, fmt="flac", seed=3)

    preview = transcode_preview(source, tmp_path / "out", duration_ms=50_000, seconds=30)

    made = audio_probe(tmp_path / "out" / PREVIEW_FILE)  # read by libavformat, as ffprobe reads it
    assert preview.path == PREVIEW_FILE
    assert (preview.start_ms, preview.duration_ms) == (15_000, 30_000)
    assert made.codec == "aac"
    assert made.channels == 2
    assert abs(made.duration_ms - 30_000) <= 100
    assert made.bit_rate is not None
    assert made.bit_rate < 100_000


def test_the_transcode_makes_the_preview_in_a_folder_of_its_own(published_track):
    media = TrackMedia.objects.get(track=published_track)

    assert media.preview_start_ms == 0
    assert abs(media.preview_ms - 2000) <= 30
    assert renditions_storage().exists(f"{media.preview_folder}{PREVIEW_FILE}")
    assert media.preview_folder != media.folder


def test_the_backfill_makes_missing_previews_once(published_track):
    media = TrackMedia.objects.get(track=published_track)
    storage = renditions_storage()
    storage.delete(f"{media.preview_folder}{PREVIEW_FILE}")
    TrackMedia.objects.filter(pk=media.pk).update(preview_start_ms=None, preview_ms=None)

    first, second = StringIO(), StringIO()
    call_command("previews_backfill", stdout=first)
    call_command("previews_backfill", stdout=second)

    media.refresh_from_db()
    assert "of 1 track" in first.getvalue()
    assert "of 0 track" in second.getvalue()
    assert media.preview_ms is not None
    assert storage.exists(f"{media.preview_folder}{PREVIEW_FILE}")


def test_a_visitor_gets_the_preview_and_nothing_else(published_track, client):
    media = TrackMedia.objects.get(track=published_track)

    response = client.get(f"/api/v1/tracks/{published_track.pk}/preview/")

    assert response.status_code == 200
    grant = response.json()
    assert grant["duration_ms"] == media.preview_ms
    assert grant["bitrate"] == 64
    path = urlsplit(grant["url"]).path
    assert path.endswith(f"/{media.preview_folder}{PREVIEW_FILE}")
    audio = client.get(path)
    assert audio.status_code == 200
    assert audio["Content-Type"] == "audio/mp4"
    assert _body(audio)
    # The same token does not reach the full renditions, nor the track's own folder.
    for other in ("aac_64.m4a", "hls/master.m3u8", f"../{media.version}/aac_64.m4a"):
        assert client.get(path.replace(PREVIEW_FILE, other)).status_code in (403, 404)
    scope = f"{media.preview_folder}{PREVIEW_FILE}"
    assert client.get(path.replace(scope, f"{media.folder}aac_64.m4a")).status_code == 403
    # A visitor may not stream the track itself.
    assert client.get(f"/api/v1/tracks/{published_track.pk}/stream/").status_code in (401, 403)
    assert client.get(f"/stream/{published_track.pk}/").status_code == 302  # to the sign-in page
    assert "/accounts/login/" in client.get(f"/stream/{published_track.pk}/")["Location"]


def test_no_preview_of_an_unpublished_track_or_before_it_is_made(published_track, client):
    TrackMedia.objects.filter(track=published_track).update(preview_ms=None)
    assert client.get(f"/api/v1/tracks/{published_track.pk}/preview/").status_code == 409

    Album.objects.filter(pk=published_track.album_id).update(status=Album.Status.DRAFT)
    assert client.get(f"/api/v1/tracks/{published_track.pk}/preview/").status_code == 404


def test_preview_grants_are_rate_limited(published_track, client, monkeypatch):
    monkeypatch.setitem(throttling.SimpleRateThrottle.THROTTLE_RATES, "preview", "3/minute")
    url = f"/api/v1/tracks/{published_track.pk}/preview/"

    answers = [client.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.10").status_code == 200  # counted by address
    listener = UserFactory()
    client.force_login(listener)
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 200  # a listener is counted apart


def test_seed_demo_makes_the_previews_demo_tracks_lack(published_track):
    from core.demo import demo_seeders
    from streaming.services.renditions import seed_demo_previews

    TrackMedia.objects.filter(track=published_track).update(preview_start_ms=None, preview_ms=None)
    lines: list[str] = []

    seed_demo_previews(lines.append)
    seed_demo_previews(lines.append)

    assert seed_demo_previews in demo_seeders()  # seed_demo runs it after the catalog
    assert lines == ["Made the previews of 1 demo track(s)."]
    assert TrackMedia.objects.get(track=published_track).preview_ms is not None


def test_a_track_whose_original_is_gone_gets_its_preview_from_its_best_rendition(published_track):
    from catalog.models import Track
    from streaming.services.renditions import track_preview_make

    Track.objects.filter(pk=published_track.pk).update(original="")
    TrackMedia.objects.filter(track=published_track).update(preview_start_ms=None, preview_ms=None)

    media = track_preview_make(track_id=published_track.pk)

    assert media is not None
    assert media.preview_ms is not None
    assert abs(media.preview_ms - 2000) <= 60
    assert renditions_storage().exists(f"{media.preview_folder}{PREVIEW_FILE}")


def test_a_track_whose_original_file_is_missing_from_storage_gets_its_preview_from_its_best_rendition(
    published_track,
):
    from django.core.files.storage import default_storage

    from catalog.models import Track
    from streaming.services.renditions import track_preview_make

    default_storage.delete(Track.objects.get(pk=published_track.pk).original.name)
    TrackMedia.objects.filter(track=published_track).update(preview_start_ms=None, preview_ms=None)

    media = track_preview_make(track_id=published_track.pk)

    assert media is not None
    assert media.preview_ms is not None
    assert renditions_storage().exists(f"{media.preview_folder}{PREVIEW_FILE}")


def test_the_queued_backfill_goes_through_the_outbox_so_a_broker_down_loses_nothing(published_track):
    from core.models import OutboxTask
    from streaming.services.renditions import previews_backfill

    TrackMedia.objects.filter(track=published_track).update(preview_start_ms=None, preview_ms=None)
    OutboxTask.objects.all().delete()

    assert previews_backfill() == 1

    assert list(OutboxTask.objects.values_list("task", "args")) == [
        ("streaming.tasks.track_preview_make", [published_track.pk])
    ]
