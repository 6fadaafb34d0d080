"""Uploading audio: what goes in, what it becomes, and what is refused with nothing left behind.

The request only stores the file; the worker (the transcode task, run here by
executing the on-commit callbacks) decodes it, reads its tags and refuses
what is not usable audio.
"""

import base64
import io
import os
import subprocess
import zipfile

import av
import mutagen
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from mutagen.flac import Picture
from mutagen.id3 import ID3, TIT2
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image
from rest_framework.test import APIClient

from catalog.artwork import artwork_name
from catalog.audio import ffmpeg_exe
from catalog.models import Album, Track
from catalog.services.artists import artist_create
from catalog.services.tracks import track_upload
from tests.catalog.conftest import png_bytes, stored_names, upload_of

pytestmark = pytest.mark.django_db

FORMATS = ["mp3", "flac", "ogg", "opus", "m4a", "wav"]
TAGS = {
    "title": "Glass Fjord",
    "artist": "Aurora Fields; Guest Star",
    "album": "Northern Lights",
    "track": "3/12",
    "disc": "1/2",
    "genre": "Electronic",
    "date": "2025-03-14",
}


def _embed_ogg_picture(path, image: bytes) -> None:
    """FFmpeg cannot put a picture in Ogg; taggers do it with a METADATA_BLOCK_PICTURE comment."""
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, "image/png", image
    audio = OggOpus(path) if path.suffix == ".opus" else OggVorbis(path)
    audio["metadata_block_picture"] = [base64.b64encode(picture.write()).decode()]
    audio.save()


@pytest.mark.parametrize("fmt", FORMATS)
def test_tags_prefill_the_track_and_place_it_on_a_draft_album(
    fmt, artist, owner, make_audio, tmp_path, django_capture_on_commit_callbacks
):
    artist_create(name="Guest Star", owner=owner)
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes(500, 500))
    source = make_audio(fmt, seconds=2.5, tags=TAGS, cover=cover if fmt in {"mp3", "flac", "m4a"} else None)
    if fmt in {"ogg", "opus"}:
        _embed_ogg_picture(source, cover.read_bytes())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        track = track_upload(artist=artist, by=owner, file=upload_of(source))

    assert callbacks  # processing is queued once the upload is committed
    track.refresh_from_db()
    assert track.title == "Glass Fjord"
    assert [a.name for a in track.featured_artists.all()] == ["Guest Star"]
    assert track.album.title == "Northern Lights"
    assert track.album.status == Album.Status.DRAFT
    assert (track.disc_number, track.track_number) == (1, 3)
    assert [g.name for g in track.genres.all()] == ["Electronic"]
    assert track.year == 2025
    assert abs(track.duration_ms - 2500) <= 30
    assert track.status == Track.Status.READY
    if fmt != "wav":  # WAV has no standard place for a picture
        with default_storage.open(artwork_name(track.album.artwork.name, 300)) as art, Image.open(art) as image:
            assert (image.format, image.size) == ("JPEG", (300, 300))


@pytest.mark.parametrize("fmt", FORMATS)
def test_untagged_audio_is_named_after_its_file(fmt, artist, editor, make_audio, django_capture_on_commit_callbacks):
    source = make_audio(fmt, seconds=1.5, name=f"Late Night Demo.{fmt}")

    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=editor, file=upload_of(source, name="Late Night Demo.bin"))

    track.refresh_from_db()
    assert (track.title, track.album, track.original_filename) == ("Late Night Demo", None, "Late Night Demo.bin")
    assert track.status == Track.Status.READY
    # Named after what its first bytes say it is, never after what it is called.
    assert track.original.name.startswith(f"originals/{artist.pk}/")
    assert track.original.name.endswith(f".{fmt}")
    assert track.uploaded_by == editor


def test_a_tagged_track_number_that_is_taken_goes_to_the_end(
    artist, owner, make_audio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = track_upload(artist=artist, by=owner, file=upload_of(make_audio(tags={"album": "A", "track": "1"})))
    with django_capture_on_commit_callbacks(execute=True):
        second = track_upload(artist=artist, by=owner, file=upload_of(make_audio(tags={"album": "A", "track": "1"})))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.track_number, second.track_number) == (1, 2)
    assert first.album_id == second.album_id


def test_path_traversal_in_the_file_name_goes_nowhere(artist, owner, make_audio):
    source = make_audio("mp3")

    track = track_upload(artist=artist, by=owner, file=upload_of(source, name="../../../etc/cron.d/evil.mp3"))

    assert track.original_filename == "evil.mp3"
    assert track.original.name.startswith(f"originals/{artist.pk}/")
    assert ".." not in track.original.name
    assert stored_names() == [track.original.name]


def test_strangers_cannot_upload_for_an_artist(artist, stranger, make_audio):
    with pytest.raises(PermissionDenied):
        track_upload(artist=artist, by=stranger, file=upload_of(make_audio()))

    assert Track.objects.count() == 0
    assert stored_names() == []


# --- The bad-input corpus ------------------------------------------------------------------------


def _ffmpeg(tmp_path, name: str, *args: str) -> bytes:
    path = tmp_path / name
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", *args, str(path)], check=True, timeout=60)
    return path.read_bytes()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("song.mp3", b"not really")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def _huge_title_mp3(make_audio) -> bytes:
    path = make_audio("mp3")
    tags = ID3(path)
    tags.add(TIT2(encoding=3, text="x" * 1_000_000))
    tags.save(path)
    return path.read_bytes()


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _damaged_middle(data: bytes) -> bytes:
    middle = len(data) // 3
    return data[:middle] + os.urandom(1)[:0] + bytes(len(data) // 3) + data[2 * middle :]


BAD_INPUTS = {
    "text renamed .mp3": (lambda mk, tmp: b"hello, this is not music\n" * 100, "x.mp3", "not an audio format"),
    "truncated mp3": (lambda mk, tmp: _half(mk("mp3", seconds=4).read_bytes()), "cut.mp3", "ends early"),
    "truncated flac": (lambda mk, tmp: _half(mk("flac", seconds=4).read_bytes()), "cut.flac", "ends early"),
    "truncated wav": (lambda mk, tmp: _half(mk("wav", seconds=4).read_bytes()), "cut.wav", "ends early"),
    "truncated m4a": (lambda mk, tmp: _half(mk("m4a", seconds=4).read_bytes()), "cut.m4a", "ends early"),
    "truncated ogg": (lambda mk, tmp: mk("ogg", seconds=4).read_bytes()[:3000], "cut.ogg", ""),
    "a zip": (lambda mk, tmp: _zip(), "album.zip", "not an audio format"),
    "a zip renamed .flac": (lambda mk, tmp: _zip(), "album.flac", "not an audio format"),
    "a png": (lambda mk, tmp: png_bytes(), "cover.png", "not an audio format"),
    "a jpeg renamed .mp3": (lambda mk, tmp: _jpeg(), "cover.mp3", "not an audio format"),
    "html": (lambda mk, tmp: b"<!doctype html><html><body>hi</body></html>", "page.mp3", "not an audio format"),
    "pdf": (lambda mk, tmp: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 50, "doc.mp3", "not an audio"),
    "json": (lambda mk, tmp: b'{"title": "not audio"}', "meta.wav", "not an audio format"),
    "random bytes": (lambda mk, tmp: bytes(range(256)) * 64, "noise.mp3", "not an audio format"),
    "midi": (
        lambda mk, tmp: b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\x00\x00\x00\x04\x00\xff\x2f\x00",
        "a.mid",
        "",
    ),
    "elf binary": (lambda mk, tmp: b"\x7fELF\x02\x01\x01" + bytes(2000), "tool.mp3", "not an audio format"),
    "wav header without samples": (lambda mk, tmp: mk("wav", seconds=2).read_bytes()[:44], "empty.wav", ""),
    "video without audio": (
        lambda mk, tmp: _ffmpeg(tmp, "v.mp4", "-f", "lavfi", "-i", "testsrc=d=1:s=64x64", "-pix_fmt", "yuv420p"),
        "clip.m4a",
        "video",
    ),
    "video with audio": (
        lambda mk, tmp: _ffmpeg(
            tmp,
            "va.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=2:s=64x64",
            "-f",
            "lavfi",
            "-i",
            "sine=d=2",
            "-pix_fmt",
            "yuv420p",
        ),
        "clip.mp4",
        "This is a video; upload the audio only.",
    ),
    "too short": (lambda mk, tmp: mk("wav", seconds=0.4).read_bytes(), "blip.wav", "shorter than one second"),
    "a 1 MB title tag": (lambda mk, tmp: _huge_title_mp3(mk), "big.mp3", "The title tag is 1,000,000 characters long"),
    "damaged in the middle": (lambda mk, tmp: _damaged_middle(mk("flac", seconds=4).read_bytes()), "bad.flac", ""),
}


def _refused_in_the_worker(track: Track) -> Track:
    """The track as the artist sees it once the worker has checked it."""
    track.refresh_from_db()
    assert track.status == Track.Status.FAILED
    assert track.original.name == ""
    return track


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_fails_in_the_worker_with_a_reason_and_leaves_nothing(
    case, artist, owner, make_audio, tmp_path, django_capture_on_commit_callbacks
):
    build, name, expected = BAD_INPUTS[case]
    upload = SimpleUploadedFile(name, build(make_audio, tmp_path))

    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload)

    reason = _refused_in_the_worker(track).failure_reason
    assert expected in reason
    assert reason.endswith(".")
    assert Album.objects.count() == 0
    assert stored_names() == []


def test_an_empty_file_is_refused_in_the_request(artist, owner):
    with pytest.raises(ValidationError, match=r"^\['The file is empty\.'\]$"):
        track_upload(artist=artist, by=owner, file=SimpleUploadedFile("empty.mp3", b""))

    assert (Track.objects.count(), stored_names()) == (0, [])


def test_an_oversized_file_is_refused(artist, owner, make_audio, settings):
    settings.UPLOAD_MAX_BYTES = 10_000

    with pytest.raises(ValidationError, match="larger than 0 MB"):
        track_upload(artist=artist, by=owner, file=upload_of(make_audio("wav", seconds=2)))

    assert stored_names() == []


def test_an_over_long_file_fails_in_the_worker(artist, owner, make_audio, settings, django_capture_on_commit_callbacks):
    settings.UPLOAD_MAX_SECONDS = 60

    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload_of(make_audio("mp3", seconds=65)))

    assert _refused_in_the_worker(track).failure_reason == "The audio lasts 1 min 5 s; the limit is 1 min."
    assert stored_names() == []


def test_a_failure_after_storing_removes_the_blob(artist, owner, make_audio, monkeypatch):
    def broken_full_clean(self, *args, **kwargs):
        raise ValidationError("The database said no.")

    monkeypatch.setattr(Track, "full_clean", broken_full_clean)

    with pytest.raises(ValidationError):
        track_upload(artist=artist, by=owner, file=upload_of(make_audio("mp3", tags={"album": "Kept?"})))

    assert (Track.objects.count(), Album.objects.count()) == (0, 0)
    assert stored_names() == []


def test_broken_embedded_artwork_does_not_refuse_the_audio(
    artist, owner, make_audio, tmp_path, django_capture_on_commit_callbacks
):
    source = make_audio("ogg", tags={"album": "No Art"})
    _embed_ogg_picture(source, b"\x89PNG\r\n\x1a\n broken")

    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload_of(source))

    track.refresh_from_db()
    assert (track.status, track.album.title) == (Track.Status.READY, "No Art")
    assert not track.album.artwork


# --- What one request may hold -------------------------------------------------------------------


@pytest.fixture
def spool(settings, tmp_path):
    """Where Django writes uploaded files while a request is read (every file goes there)."""
    folder = tmp_path / "spool"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_api_upload_of_21_files_is_refused_whole_and_keeps_nothing(artist, owner, audio_bytes, spool):
    files = [SimpleUploadedFile(f"Part {n}.mp3", audio_bytes("mp3")) for n in range(1, 22)]

    response = _api(owner).post("/api/v1/uploads/", {"artist": artist.pk, "file": files}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "status": 400,
        "code": "too_many_files",
        "message": "An upload may hold 20 files at most. Nothing was stored: send the rest in another upload.",
        "details": {
            "non_field_errors": [
                "An upload may hold 20 files at most. Nothing was stored: send the rest in another upload."
            ]
        },
    }
    assert (Track.objects.count(), stored_names(), list(spool.iterdir())) == (0, [], [])


def test_an_api_upload_over_the_request_limit_is_refused_unread(artist, owner, make_audio, settings, spool):
    settings.UPLOAD_MAX_REQUEST_BYTES = 200 * 1024
    files = [upload_of(make_audio("wav", seconds=1.5)) for _ in range(2)]  # about 260 KB each

    response = _api(owner).post("/api/v1/uploads/", {"artist": artist.pk, "file": files}, format="multipart")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "upload_too_large",
        "An upload may hold 200 KB in all. Nothing was stored: send fewer files at once.",
    )
    assert (Track.objects.count(), stored_names(), list(spool.iterdir())) == (0, [], [])


def test_the_studio_refuses_21_files_at_once_with_a_message(client, owner, artist, audio_bytes, spool):
    client.force_login(owner)
    files = [SimpleUploadedFile(f"Part {n}.mp3", audio_bytes("mp3")) for n in range(1, 22)]

    response = client.post(reverse("studio:upload", args=[artist.slug]), {"file": files}, follow=True)

    html = response.content.decode()
    assert "An upload may hold 20 files at most. Nothing was stored: send the rest in another upload." in html
    assert "uploaded;" not in html
    assert (Track.objects.count(), stored_names(), list(spool.iterdir())) == (0, [], [])


# --- Decoding happens in the worker, never in the request ---------------------------------------


def test_the_request_only_stores_the_file_and_the_worker_reads_it(
    artist, owner, make_audio, monkeypatch, django_capture_on_commit_callbacks
):
    source = make_audio("flac", seconds=2, tags={"title": "Glass Fjord", "album": "Northern Lights", "track": "2"})

    def no_decoding_here(*args, **kwargs):
        raise AssertionError("the request decoded the upload")

    monkeypatch.setattr(av, "open", no_decoding_here)
    monkeypatch.setattr(mutagen, "File", no_decoding_here)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _api(owner).post(
            "/api/v1/uploads/", {"artist": artist.pk, "file": upload_of(source, name="take 3.flac")}, format="multipart"
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["title"], body["duration_ms"], body["album"]) == ("processing", "take 3", None, None)
    assert Album.objects.count() == 0

    monkeypatch.undo()  # the worker may decode
    for callback in callbacks:
        callback()

    track = _api(owner).get(f"/api/v1/uploads/{body['id']}/").json()
    assert (track["status"], track["title"], track["album"]["title"], track["track_number"]) == (
        "ready",
        "Glass Fjord",
        "Northern Lights",
        2,
    )
    assert abs(track["duration_ms"] - 2000) <= 30


def test_a_file_that_is_not_audio_is_accepted_then_fails_with_the_reason_and_is_not_kept(
    artist, owner, django_capture_on_commit_callbacks
):
    api = _api(owner)
    notes = SimpleUploadedFile("liner-notes.mp3", b"These are the liner notes, not the song.\n" * 100)

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post("/api/v1/uploads/", {"artist": artist.pk, "file": notes}, format="multipart")

    assert (response.status_code, response.json()["status"]) == (201, "processing")
    assert len(stored_names("originals/")) == 1
    for callback in callbacks:
        callback()

    track = api.get(f"/api/v1/uploads/{response.json()['id']}/").json()
    assert (track["status"], track["failure_reason"]) == (
        "failed",
        "The file is not an audio format we accept (MP3, FLAC, Ogg, Opus, M4A/AAC, ALAC, WAV or AIFF).",
    )
    assert stored_names() == []
    again = api.post(f"/api/v1/tracks/{track['id']}/reprocess/")
    assert (again.status_code, again.json()["error"]["message"]) == (
        400,
        "The uploaded file was refused and is not kept: upload it again.",
    )


# --- Reprocessing ------------------------------------------------------------------------------


def test_reprocess_twice_in_a_row_is_refused_the_second_time_and_queues_nothing(
    artist, owner, audio_bytes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Song.mp3", audio_bytes("mp3")))
    api = _api(owner)

    with django_capture_on_commit_callbacks() as first:
        accepted = api.post(f"/api/v1/tracks/{track.pk}/reprocess/")
    with django_capture_on_commit_callbacks() as second:
        refused = api.post(f"/api/v1/tracks/{track.pk}/reprocess/")

    assert (accepted.status_code, len(first)) == (200, 1)
    assert (refused.status_code, len(second)) == (429, 0)
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith(
        "This track was sent to be processed again less than 10 minutes ago: "
        "wait for that to finish before asking again."
    )
    wait = error["details"]["retry_after_seconds"]
    assert refused["Retry-After"] == str(wait)
    assert 0 < wait <= 600
