"""An album's loudness as one programme: measured, kept, given with the grant, and measured again on a change."""

import io
import math
import subprocess
import wave
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from catalog.audio import ffmpeg_exe
from catalog.models import Track
from catalog.services.albums import (
    album_artwork_set,
    album_create,
    album_publish,
    album_track_remove,
    album_tracks_add,
    album_tracks_reorder,
)
from catalog.services.tracks import track_delete, track_upload
from catalog.synth import audio_synthesise
from core.demo import demo_seeders
from streaming import loudness as meter
from streaming.loudness import programme_loudness
from streaming.models import AlbumLoudness, TrackMedia
from streaming.services.loudness import (
    album_loudness_measure,
    albums_loudness_backfill,
    seed_demo_album_loudness,
)
from streaming.transcode import Loudness, TranscodeRun
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import png_bytes

SECONDS = 6
TARGET_LUFS = -14.0  # the player's target (static/js/player/loudness.js)


def _ffmpeg(*args: str) -> None:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same music loud, 6 dB quieter and 30 dB quieter, as 16-bit stereo WAV."""
    folder = tmp_path_factory.mktemp("loudness")
    music = audio_synthesise(folder / "music.flac", seconds=SECONDS, fmt="flac", seed=5)
    made = {}
    for name, decibels in {"loud": 0, "quiet": -6, "whisper": -30}.items():
        made[name] = folder / f"{name}.wav"
        _ffmpeg("-i", str(music), "-af", f"volume={decibels}dB", "-c:a", "pcm_s16le", "-ar", "44100", str(made[name]))
    return made


def _joined(parts: list[Path], target: Path) -> Path:
    """One WAV file holding the samples of ``parts`` one after another: the programme as a single recording."""
    with wave.open(str(parts[0]), "rb") as first:
        params = first.getparams()
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        for part in parts:
            with wave.open(str(part), "rb") as source:
                out.writeframes(source.readframes(source.getnframes()))
    return target


def _track_meter(source: Path, out_dir: Path):
    """The figures a track gets at its transcode (the first run only, one rung)."""
    with TranscodeRun(source, out_dir, first=(64,), rest=()) as run:
        return run.first().loudness


def test_an_album_measures_as_its_tracks_joined_into_one_recording_and_not_as_an_average(recordings, tmp_path):
    loud, quiet, whisper = recordings["loud"], recordings["quiet"], recordings["whisper"]

    album = programme_loudness([quiet, loud])
    direct = _track_meter(_joined([quiet, loud], tmp_path / "joined.wav"), tmp_path / "direct")
    alone = {name: programme_loudness([path]) for name, path in recordings.items()}
    with_whisper = programme_loudness([loud, whisper])

    # The programme is measured as the track meter measures one recording of both.
    assert album.integrated_lufs == pytest.approx(direct.integrated_lufs, abs=0.1)
    assert album.true_peak_dbtp == pytest.approx(direct.true_peak_dbtp, abs=0.1)
    # A track alone is its own programme: the figure its transcode gives it.
    assert alone["loud"].integrated_lufs == pytest.approx(
        _track_meter(loud, tmp_path / "alone").integrated_lufs, abs=0.1
    )
    assert alone["loud"].integrated_lufs - alone["quiet"].integrated_lufs == pytest.approx(6, abs=0.2)
    # Mean energy of equal halves 6 dB apart: 10·log10((1 + 10^-0.6) / 2) = -2.04 dB from the loud one,
    # not the -3 LU of averaging the two figures.
    assert album.integrated_lufs - alone["loud"].integrated_lufs == pytest.approx(-2.04, abs=0.2)
    average = (alone["loud"].integrated_lufs + alone["quiet"].integrated_lufs) / 2
    assert album.integrated_lufs - average > 0.7
    # The album's gate (10 LU below its level) drops a track 30 dB down: the album is as loud as its loud track.
    assert with_whisper.integrated_lufs == pytest.approx(alone["loud"].integrated_lufs, abs=0.2)
    # The peak of the programme is its loudest track's.
    assert album.true_peak_dbtp == pytest.approx(alone["loud"].true_peak_dbtp, abs=0.1)
    # So the album's gain is neither track's gain.
    album_gain = TARGET_LUFS - album.integrated_lufs
    for name in ("loud", "quiet"):
        assert abs(album_gain - (TARGET_LUFS - alone[name].integrated_lufs)) > 1.5


@pytest.fixture
def album_of_two(artist, owner, recordings, django_capture_on_commit_callbacks):
    """A published album of a quiet track then a loud one, transcoded and measured as it was published."""
    tracks = []
    for name in ("quiet", "loud"):
        upload = SimpleUploadedFile(f"{name}.wav", recordings[name].read_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            tracks.append(track_upload(artist=artist, by=owner, file=upload))
    album = album_create(artist_id=artist.pk, by=owner, title="Tides")
    album_tracks_add(album=album, by=owner, track_ids=[t.pk for t in tracks])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        album_publish(album=album, by=owner)
    return album, tracks


def _grant(track: Track) -> dict:
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.get(f"/api/v1/tracks/{track.pk}/stream/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_publishing_measures_the_album_and_every_grant_of_its_tracks_says_so(album_of_two, settings):
    settings.EDGE_URLS = {}
    album, (quiet, loud) = album_of_two
    kept = AlbumLoudness.objects.get(album=album)
    media = {m.track_id: m for m in TrackMedia.objects.filter(track__album=album)}

    grants = [_grant(quiet), _grant(loud)]

    assert kept.loudness_lufs == pytest.approx(media[loud.pk].loudness_lufs - 2.04, abs=0.3)
    assert kept.true_peak_dbtp == pytest.approx(media[loud.pk].true_peak_dbtp, abs=0.1)
    for grant, track in zip(grants, (quiet, loud), strict=True):
        assert grant["loudness_lufs"] == media[track.pk].loudness_lufs
        assert grant["true_peak_dbtp"] == media[track.pk].true_peak_dbtp
        assert grant["album_loudness_lufs"] == kept.loudness_lufs
        assert grant["album_true_peak_dbtp"] == kept.true_peak_dbtp


@pytest.mark.django_db
def test_the_album_is_measured_again_only_when_its_tracks_or_their_order_change(
    album_of_two, owner, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.EDGE_URLS = {}
    album, (quiet, loud) = album_of_two
    first = AlbumLoudness.objects.get(album=album)
    runs: list[int] = []
    real = meter.programme_loudness

    def counted(sources, **kwargs):
        runs.append(len(sources))
        return real(sources, **kwargs)

    monkeypatch.setattr("streaming.services.loudness.programme_loudness", counted)
    _grant(quiet)  # its stream info is cached now, with the album's figures

    album_loudness_measure(album_id=album.pk)
    assert albums_loudness_backfill() == 0
    assert runs == []  # measured as it is: nothing to do

    with django_capture_on_commit_callbacks(execute=True):
        album_tracks_reorder(album=album, by=owner, order=[(loud.pk, 1), (quiet.pk, 1)])
    reordered = AlbumLoudness.objects.get(album=album)
    assert runs == [2]
    assert reordered.tracks_key != first.tracks_key
    assert reordered.loudness_lufs == pytest.approx(first.loudness_lufs, abs=0.1)

    with django_capture_on_commit_callbacks(execute=True):
        album_track_remove(album=album, by=owner, track_id=loud.pk)
    alone = AlbumLoudness.objects.get(album=album)
    assert runs == [2, 1]
    assert alone.loudness_lufs == pytest.approx(TrackMedia.objects.get(track=quiet).loudness_lufs, abs=0.1)
    # The cached grant of the track that stayed was forgotten: it gives the new figure.
    assert _grant(quiet)["album_loudness_lufs"] == alone.loudness_lufs


@pytest.mark.django_db
def test_a_track_on_no_album_or_on_an_album_not_yet_measured_has_no_album_figures(published_track, settings):
    settings.EDGE_URLS = {}

    grant = _grant(published_track)

    assert grant["album_loudness_lufs"] is None
    assert grant["album_true_peak_dbtp"] is None
    assert isinstance(grant["true_peak_dbtp"], float)
    assert not math.isnan(grant["loudness_lufs"])


@pytest.mark.django_db
def test_albums_published_before_are_measured_by_the_command_and_seed_demo(
    published_track, django_capture_on_commit_callbacks
):
    assert not AlbumLoudness.objects.exists()  # published with its measurement queued, never sent here
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("albums_loudness", stdout=out)

    kept = AlbumLoudness.objects.get(album=published_track.album)
    assert out.getvalue() == "Queued the loudness measurement of 1 album(s).\n"
    assert kept.loudness_lufs == pytest.approx(TrackMedia.objects.get(track=published_track).loudness_lufs, abs=0.1)
    assert albums_loudness_backfill() == 0
    assert seed_demo_album_loudness in demo_seeders()  # seed_demo runs it once the demo albums are published


@pytest.mark.django_db
def test_new_renditions_of_a_track_measure_its_album_again_and_its_deletion_drops_the_figures(
    published_track, owner, monkeypatch, django_capture_on_commit_callbacks
):
    measured: list[int] = []

    def fake(sources, **kwargs):
        measured.append(len(sources))
        return Loudness(integrated_lufs=-20.0 - len(measured), true_peak_dbtp=-3.0, range_lu=1.0)

    monkeypatch.setattr("streaming.services.loudness.programme_loudness", fake)
    album = published_track.album
    with django_capture_on_commit_callbacks(execute=True):
        albums_loudness_backfill()
    media = TrackMedia.objects.get(track=published_track)

    with django_capture_on_commit_callbacks(execute=True):
        media.bitrates = [64]
        media.save(update_fields=["bitrates"])  # more rungs of the same renditions: the same programme
    assert measured == [1]
    with django_capture_on_commit_callbacks(execute=True):
        media.version = "0123456789abcdef"
        media.save()  # a transcode switched the track to new renditions
    assert measured == [1, 1]
    assert AlbumLoudness.objects.get(album=album).loudness_lufs == -22.0

    with django_capture_on_commit_callbacks(execute=True):
        track_delete(track=published_track, by=owner)
    assert not AlbumLoudness.objects.filter(album=album).exists()  # no track left to measure
