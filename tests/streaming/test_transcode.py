import datetime as dt
import re
import struct
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Profile
from catalog.audio import audio_probe, ffmpeg_exe
from catalog.models import Track
from catalog.services.tracks import track_upload
from catalog.synth import audio_synthesise
from streaming.models import RenditionWrite, TrackMedia
from streaming.names import hls_master_name
from streaming.selectors import stream_grant
from streaming.storage import renditions_storage
from streaming.transcode import (
    LADDER,
    Loudness,
    TranscodeError,
    TranscodeResult,
    TranscodeRun,
    hls_master_merge,
    transcode_audio,
)
from tests.catalog.conftest import stored_names

SECONDS = 10
AAC_FRAME_SECONDS = 1024 / 44100
SEGMENTS = ("seg_00001.m4s", "seg_00002.m4s")  # 10 s in segments of about 6 s


def _ffmpeg(*args: str) -> bytes:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    return subprocess.run(command, check=True, capture_output=True, timeout=120).stdout


def _top_level_boxes(path: Path) -> list[str]:
    """The types of the ISO BMFF boxes at the top of ``path``, in file order."""
    kinds = []
    with path.open("rb") as file:
        while header := file.read(8):
            size, kind = struct.unpack(">I4s", header)
            kinds.append(kind.decode("latin-1"))
            if size == 0:  # runs to the end of the file
                break
            if size == 1:
                (size,) = struct.unpack(">Q", file.read(8))
                file.seek(size - 16, 1)
            else:
                file.seek(size - 8, 1)
    return kinds


def _stream_infs(master: str) -> list[tuple[dict[str, str], str]]:
    """(attributes, URI) of each variant in a master playlist."""
    lines = master.splitlines()
    variants = []
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attributes = dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.partition(":")[2]))
            variants.append((attributes, lines[index + 1]))
    return variants


def _decoded_seconds(playlist: Path) -> float:
    """Decode the first audio stream of ``playlist`` as a player would and measure what came out."""
    pcm = _ffmpeg("-i", str(playlist), "-map", "0:a:0", "-ac", "1", "-ar", "44100", "-f", "s16le", "pipe:1")
    return len(pcm) / 2 / 44100


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audio_synthesise(tmp_path_factory.mktemp("original") / "song.flac", seconds=SECONDS, fmt="flac", seed=3)


@pytest.fixture(scope="module")
def transcoded(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TranscodeResult]:
    out_dir = tmp_path_factory.mktemp("transcoded")
    return out_dir, transcode_audio(source, out_dir)


def test_writes_the_ladder_and_hls_and_nothing_else(transcoded):
    out_dir, result = transcoded

    assert [(r.bitrate, r.codec, r.path) for r in result.renditions] == [
        (64, "aac", "aac_64.m4a"),
        (96, "aac", "aac_96.m4a"),
        (160, "aac", "aac_160.m4a"),
        (320, "aac", "aac_320.m4a"),
    ]
    assert result.hls_master == "hls/master.m3u8"
    variant_files = [
        f"hls/aac_{kbps}/{name}" for kbps in (64, 96, 160, 320) for name in ("index.m3u8", "init.mp4", *SEGMENTS)
    ]
    written = sorted(str(path.relative_to(out_dir)) for path in out_dir.rglob("*") if path.is_file())
    assert written == sorted([r.path for r in result.renditions] + ["hls/master.m3u8", *variant_files])


def test_renditions_are_stereo_aac_of_the_source_length_with_the_index_first(transcoded, source):
    out_dir, result = transcoded
    source_ms = audio_probe(source).duration_ms

    for rendition in result.renditions:
        path = out_dir / rendition.path
        info = audio_probe(path)
        assert (info.codec, info.sample_rate, info.channels) == ("aac", 44100, 2)
        assert abs(info.duration_ms - source_ms) <= 50
        boxes = _top_level_boxes(path)
        assert boxes[0] == "ftyp"
        assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_renditions_keep_to_their_bitrates(transcoded):
    out_dir, result = transcoded
    measured = {r.bitrate: audio_probe(out_dir / r.path).bit_rate or 0 for r in result.renditions}

    # Container overhead included, no rung goes more than 10 % over its target.
    assert all(bit_rate <= kbps * 1000 * 1.10 for kbps, bit_rate in measured.items()), measured
    # Up to 160 kbit/s FFmpeg's AAC encoder spends about what it is given, even on a short file.
    assert all(kbps * 1000 * 0.85 <= measured[kbps] for kbps in (64, 96, 160)), measured
    # At 320 it spends only what the music needs (far less than 320 on sparse synthesised
    # music, about 220 on dense music), but still more than the rung below.
    assert measured[320] > measured[160], measured


def test_master_playlist_lists_the_variants_by_relative_uri_in_ascending_bandwidth(transcoded):
    out_dir, result = transcoded
    master = (out_dir / result.hls_master).read_text()

    variants = _stream_infs(master)
    assert [uri for _attributes, uri in variants] == [f"aac_{kbps}/index.m3u8" for kbps in (64, 96, 160, 320)]
    assert all(attributes["CODECS"] == '"mp4a.40.2"' for attributes, _uri in variants)
    bandwidths = [int(attributes["BANDWIDTH"]) for attributes, _uri in variants]
    assert bandwidths == sorted(bandwidths)
    assert len(set(bandwidths)) == 4
    assert 60_000 <= bandwidths[0] <= 64_000 * 1.15


def test_variant_playlists_are_vod_with_short_segments_that_add_up_to_the_track(transcoded):
    out_dir, result = transcoded
    hls = (out_dir / result.hls_master).parent

    for kbps in (64, 96, 160, 320):
        variant = hls / f"aac_{kbps}"
        playlist = (variant / "index.m3u8").read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist
        assert playlist.rstrip().endswith("#EXT-X-ENDLIST")
        assert re.findall(r'#EXT-X-MAP:URI="([^"]+)"', playlist) == ["init.mp4"]
        durations = [float(seconds) for seconds in re.findall(r"#EXTINF:([\d.]+),", playlist)]
        uris = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        assert uris == list(SEGMENTS)
        assert all((variant / uri).stat().st_size > 0 for uri in uris)
        assert all(seconds <= 6.5 for seconds in durations), durations
        # The encoder's priming frame is the only extra.
        assert abs(sum(durations) - SECONDS) <= AAC_FRAME_SECONDS + 0.001


def test_hls_decodes_to_the_length_of_the_source(transcoded):
    out_dir, result = transcoded

    playlists = [out_dir / result.hls_master] + [out_dir / f"hls/aac_{kbps}/index.m3u8" for kbps in (64, 320)]
    for playlist in playlists:
        assert abs(_decoded_seconds(playlist) - SECONDS) <= 2 * AAC_FRAME_SECONDS, playlist


def test_duration_is_exact_and_the_waveform_shows_the_fades(transcoded):
    _out_dir, result = transcoded

    assert result.duration_ms == SECONDS * 1000
    assert len(result.peaks) == 200
    assert all(0 <= peak <= 255 for peak in result.peaks)
    loudest = max(result.peaks)
    # The peaks are sample values, so never above the true peak.
    assert 100 <= loudest <= 255 * 10 ** (result.loudness.true_peak_dbtp / 20) + 1
    # synth fades in over 0.3 s and out over the last 1.5 s; a bucket is 50 ms.
    assert result.peaks[0] < loudest / 4
    assert result.peaks[-1] < loudest / 10


def test_ten_decibels_quieter_measures_ten_lu_quieter_with_peaks_to_match(transcoded, source, tmp_path):
    _out_dir, loud = transcoded
    quiet_source = tmp_path / "quiet.flac"
    _ffmpeg("-i", str(source), "-af", "volume=-10dB", str(quiet_source))

    quiet = transcode_audio(quiet_source, tmp_path / "out")

    assert -30 <= loud.loudness.integrated_lufs <= -8
    assert loud.loudness.true_peak_dbtp < 0
    assert loud.loudness.integrated_lufs - quiet.loudness.integrated_lufs == pytest.approx(10, abs=0.5)
    assert loud.loudness.true_peak_dbtp - quiet.loudness.true_peak_dbtp == pytest.approx(10, abs=0.5)
    assert quiet.loudness.range_lu == pytest.approx(loud.loudness.range_lu, abs=0.5)
    gain = 10 ** (-10 / 20)
    assert all(abs(q - p * gain) <= 1.5 for p, q in zip(loud.peaks, quiet.peaks, strict=True))
    assert quiet.duration_ms == loud.duration_ms


def test_a_mono_original_plays_at_full_level_on_both_channels(transcoded, source, tmp_path):
    _out_dir, stereo = transcoded
    mono_source = tmp_path / "mono.flac"
    _ffmpeg("-i", str(source), "-af", "pan=mono|c0=c0", str(mono_source))  # synth's two channels are the same

    mono = transcode_audio(mono_source, tmp_path / "out")

    assert audio_probe(tmp_path / "out" / mono.renditions[0].path).channels == 2
    assert mono.loudness.integrated_lufs == pytest.approx(stereo.loudness.integrated_lufs, abs=0.1)
    assert mono.peaks == pytest.approx(stereo.peaks, abs=1)


def test_silence_has_flat_peaks_and_the_meter_floor(tmp_path):
    silence = tmp_path / "silence.flac"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "5", str(silence))

    result = transcode_audio(silence, tmp_path / "out")

    assert result.peaks == [0] * 200
    assert result.duration_ms == 5000
    assert result.loudness == Loudness(integrated_lufs=-70.0, true_peak_dbtp=-70.0, range_lu=0.0)


def test_duration_comes_from_decoding_not_from_the_header(source, tmp_path):
    cut = tmp_path / "cut.flac"
    data = source.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 5])
    assert audio_probe(cut).duration_ms == SECONDS * 1000  # what the header claims

    result = transcode_audio(cut, tmp_path / "out")

    assert 2000 <= result.duration_ms <= 6000
    for rendition in result.renditions:
        assert abs(audio_probe(tmp_path / "out" / rendition.path).duration_ms - result.duration_ms) <= 50


def test_a_file_that_is_not_audio_is_refused(tmp_path):
    text = tmp_path / "song.mp3"
    text.write_text("These are the liner notes, not the song.\n" * 100)

    with pytest.raises(TranscodeError, match=r"^song\.mp3: The file is not an audio format we accept"):
        transcode_audio(text, tmp_path / "out")


def test_ffmpeg_failing_says_why(transcoded, tmp_path):
    out_dir, result = transcoded
    # A real M4A header in front of audio data that is all zeros.
    data = (out_dir / result.renditions[0].path).read_bytes()
    start = data.index(b"mdat") + 4
    broken = tmp_path / "broken.m4a"
    broken.write_bytes(data[:start] + bytes(len(data) - start))

    with pytest.raises(TranscodeError) as raised:
        transcode_audio(broken, tmp_path / "out")

    message = str(raised.value)
    assert message.startswith("FFmpeg could not transcode broken.m4a: ")
    assert len(message) > len("FFmpeg could not transcode broken.m4a: ") + 10
    assert "@ 0x" not in message  # FFmpeg's log context is left out


def test_a_transcode_that_runs_too_long_is_stopped(source, tmp_path):
    with pytest.raises(TranscodeError, match=r"^Transcoding song\.flac took longer than 0\.05 s and was stopped\.$"):
        transcode_audio(source, tmp_path / "out", timeout_seconds=0.05)


@pytest.mark.django_db
def test_the_worker_checks_an_upload_first_and_never_transcodes_what_it_refuses(artist, owner, monkeypatch):
    from streaming import tasks
    from streaming.services import renditions

    transcoded = []
    monkeypatch.setattr(renditions, "TranscodeRun", lambda *args, **kwargs: transcoded.append(args))
    # A FLAC signature in front of nothing: stored as .flac by the request, refused by the worker.
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("song.flac", b"fLaC" + bytes(5000)))
    assert stored_names() == [track.original.name]
    assert track.original.name.endswith(".flac")

    tasks.track_transcode(track.pk)
    tasks.track_transcode(track.pk)  # delivered twice: the same end

    track.refresh_from_db()
    assert (track.status, track.failure_reason, track.original.name) == (
        Track.Status.FAILED,
        "The file is not an audio format we accept (MP3, FLAC, Ogg, Opus, M4A/AAC, ALAC, WAV or AIFF).",
        "",
    )
    assert transcoded == []
    assert stored_names() == []
    assert not RenditionWrite.objects.exists()


def test_the_first_run_makes_the_default_rung_and_the_rest_run_the_others(source, tmp_path):
    with TranscodeRun(source, tmp_path) as run:
        first = run.first()
        rest = run.rest()

    assert [r.bitrate for r in first.renditions] == [160]
    assert first.files == [
        "aac_160.m4a",
        "hls/master.m3u8",
        "hls/aac_160/index.m3u8",
        "hls/aac_160/init.mp4",
        *(f"hls/aac_160/{name}" for name in SEGMENTS),
    ]
    assert first.duration_ms == SECONDS * 1000
    assert [uri for _attributes, uri in _stream_infs((tmp_path / first.hls_master).read_text())] == [
        "aac_160/index.m3u8"
    ]
    assert [r.bitrate for r in rest.renditions] == [64, 96, 320]
    assert [uri for _attributes, uri in _stream_infs((tmp_path / rest.hls_master).read_text())] == [
        f"aac_{kbps}/index.m3u8" for kbps in (64, 96, 320)
    ]
    assert not set(first.files) & set(rest.files)
    merged = hls_master_merge((tmp_path / first.hls_master).read_text(), (tmp_path / rest.hls_master).read_text())
    assert [uri for _attributes, uri in _stream_infs(merged)] == [f"aac_{kbps}/index.m3u8" for kbps in LADDER]
    assert merged.startswith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:")


def _premium(user):
    Profile.objects.filter(user=user).update(plan=Profile.Plan.PREMIUM)
    user.refresh_from_db()
    return user


def _rendition_names(folder: str) -> list[str]:
    """Every file under ``folder`` of the renditions' storage, relative to it."""
    storage = renditions_storage()
    dirs, files = storage.listdir(folder)
    return sorted([*files, *(f"{sub}/{name}" for sub in dirs for name in _rendition_names(f"{folder}{sub}/"))])


def _version_folders(track_id: int) -> list[str]:
    try:
        return renditions_storage().listdir(f"renditions/{track_id}/")[0]
    except FileNotFoundError:
        return []


def _rung_files(*bitrates: int) -> list[str]:
    files = [f"aac_{kbps}.m4a" for kbps in bitrates] + [f"hls/master_{kbps}.m3u8" for kbps in bitrates]
    files += [f"hls/aac_{kbps}/{name}" for kbps in bitrates for name in ("index.m3u8", "init.mp4", "seg_00001.m4s")]
    return sorted(files)


def _offered(user, track_id: int) -> tuple[int, list[int], list[str]]:
    """The bitrate a grant gives ``user``, the ones it lists, and the variants of the HLS master it signs."""
    grant = stream_grant(track_id=track_id, user=user, country="", local_base="http://testserver/edge")
    media = TrackMedia.objects.get(track_id=track_id)
    with renditions_storage().open(f"{media.folder}{hls_master_name(grant.bitrate)}", "rb") as master:
        variants = [uri for _attributes, uri in _stream_infs(master.read().decode())]
    return grant.bitrate, grant.bitrates, variants


@pytest.mark.django_db
def test_a_new_track_plays_from_its_default_rung_while_the_rest_are_made(
    artist, owner, audio_bytes, monkeypatch, django_capture_on_commit_callbacks
):
    from streaming.services import renditions

    listener = _premium(owner)  # a member hears the track before it is published; premium asks for 320
    seen = {}

    class Watched(TranscodeRun):
        def rest(self):
            media = TrackMedia.objects.get(track_id=track.pk)
            seen["status"] = Track.objects.get(pk=track.pk).status
            seen["bitrates"] = media.bitrates
            seen["files"] = _rendition_names(media.folder)
            seen["offered"] = _offered(listener, track.pk)
            return super().rest()

    monkeypatch.setattr(renditions, "TranscodeRun", Watched)
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Dawn.flac", audio_bytes("flac")))
    with django_capture_on_commit_callbacks(execute=True):
        media = renditions.track_transcode(track_id=track.pk)

    # While FFmpeg still made the other rungs, the track played at 160 kbit/s, all that was up.
    assert seen == {
        "status": Track.Status.READY,
        "bitrates": [160],
        "files": _rung_files(160),
        "offered": (160, [160], ["aac_160/index.m3u8"]),
    }
    assert media is not None
    assert media.bitrates == [64, 96, 160, 320]
    assert _rendition_names(media.folder) == _rung_files(64, 96, 160, 320)
    assert _offered(listener, track.pk) == (320, [64, 96, 160, 320], [f"aac_{kbps}/index.m3u8" for kbps in LADDER])
    assert not RenditionWrite.objects.exists()


@pytest.mark.django_db
def test_a_transcode_that_dies_after_the_first_rung_is_completed_by_its_retry(
    artist, owner, audio_bytes, monkeypatch, django_capture_on_commit_callbacks
):
    from streaming.services import renditions

    class Dying(TranscodeRun):
        def rest(self):
            raise OSError("the worker was lost")  # its FFmpeg is killed on the way out

    monkeypatch.setattr(renditions, "TranscodeRun", Dying)
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Dusk.flac", audio_bytes("flac")))
    # In services mode the bucket outlives the test database, whose ids start again at 1.
    earlier = set(_version_folders(track.pk))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OSError, match="the worker was lost"):
        renditions.track_transcode(track_id=track.pk)
    monkeypatch.undo()

    partial = TrackMedia.objects.get(track_id=track.pk)
    assert (Track.objects.get(pk=track.pk).status, partial.bitrates) == (Track.Status.READY, [160])
    assert _rendition_names(partial.folder) == _rung_files(160)
    # What a worker killed half-way through the upload of the rest leaves behind.
    renditions_storage().save(f"{partial.folder}aac_320.m4a", ContentFile(b"half an upload"))

    with django_capture_on_commit_callbacks(execute=True):
        retried = renditions.track_transcode(track_id=track.pk)  # the retry
    with django_capture_on_commit_callbacks(execute=True):
        again = renditions.track_transcode(track_id=track.pk)  # delivered once more

    assert retried is not None
    assert again is not None
    assert (retried.version, retried.bitrates) == (partial.version, [64, 96, 160, 320])
    assert (again.version, again.bitrates, again.created_at) == (retried.version, retried.bitrates, retried.created_at)
    assert _rendition_names(partial.folder) == _rung_files(64, 96, 160, 320)
    with renditions_storage().open(f"{partial.folder}aac_320.m4a", "rb") as rendition:
        assert rendition.read(8)[4:] == b"ftyp"
    assert [version for version in _version_folders(track.pk) if version not in earlier] == [partial.version]
    assert not RenditionWrite.objects.exists()


@pytest.mark.django_db
def test_the_files_of_a_version_go_up_several_at_a_time(
    artist, owner, audio_bytes, monkeypatch, django_capture_on_commit_callbacks
):
    from streaming.services import renditions

    storage = renditions_storage()
    save = storage.save
    first_two = threading.Barrier(2, timeout=20)  # met only if the second save starts before the first ends
    saves = []
    lock = threading.Lock()

    def save_watched(name, content, *args, **kwargs):
        with lock:
            saves.append(name)
            turn = len(saves)
        if turn <= 2:
            first_two.wait()
        return save(name, content, *args, **kwargs)

    monkeypatch.setattr(storage, "save", save_watched)
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Noon.flac", audio_bytes("flac")))
    with django_capture_on_commit_callbacks(execute=True):
        media = renditions.track_transcode(track_id=track.pk)

    assert media is not None
    assert (Track.objects.get(pk=track.pk).status, media.bitrates) == (Track.Status.READY, [64, 96, 160, 320])
    assert _rendition_names(media.folder) == _rung_files(64, 96, 160, 320)
    assert sorted({name.removeprefix(media.folder) for name in saves if name.startswith(media.folder)}) == (
        _rung_files(64, 96, 160, 320)
    )
    assert saves[-1] == f"{media.preview_folder}preview.m4a"  # the preview, in its own folder, once the rungs are up


@pytest.mark.django_db
def test_a_track_left_with_part_of_its_ladder_after_its_retries_is_completed_by_the_resume(
    artist, owner, audio_bytes, monkeypatch, django_capture_on_commit_callbacks
):
    from streaming.services import renditions

    class Dying(TranscodeRun):
        def rest(self):
            raise OSError("storage is down")  # on every retry, until they ran out

    class Failing(TranscodeRun):
        def rest(self):
            raise TranscodeError("FFmpeg could not transcode Dawn.flac: Invalid data found")

    # One whose other rungs failed with FFmpeg's reason, noted on it: a retry would fail the same way.
    monkeypatch.setattr(renditions, "TranscodeRun", Failing)
    failed = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Dawn.flac", audio_bytes("flac")))
    with django_capture_on_commit_callbacks(execute=True):
        renditions.track_transcode(track_id=failed.pk)
    monkeypatch.setattr(renditions, "TranscodeRun", Dying)
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Dusk.flac", audio_bytes("flac")))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OSError, match="storage is down"):
        renditions.track_transcode(track_id=track.pk)
    monkeypatch.undo()
    track.refresh_from_db()
    failed.refresh_from_db()
    assert (failed.status, TrackMedia.objects.get(track=failed).bitrates) == (Track.Status.READY, [160])
    assert failed.failure_reason == "Reprocessing failed: FFmpeg could not transcode Dawn.flac: Invalid data found"
    assert (track.status, TrackMedia.objects.get(track=track).bitrates) == (Track.Status.READY, [160])
    assert renditions.tracks_processing_resume() == 0  # not an hour yet: its retries may still come

    later = track.updated_at + dt.timedelta(hours=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert renditions.tracks_processing_resume(now=later) == 1
    media = TrackMedia.objects.get(track=track)
    assert (Track.objects.get(pk=track.pk).status, media.bitrates) == (Track.Status.READY, [64, 96, 160, 320])
    assert _rendition_names(media.folder) == _rung_files(64, 96, 160, 320)
    assert renditions.tracks_processing_resume(now=later) == 0
    assert TrackMedia.objects.get(track=failed).bitrates == [160]
