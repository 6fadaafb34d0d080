"""Lyrics read at upload: from each kind of tag, and from an .lrc uploaded beside the audio."""

from pathlib import Path

import mutagen
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from mutagen.id3 import ID3, SYLT, USLT
from mutagen.mp4 import MP4

from catalog.models import Lyrics
from catalog.services.lyrics import lyrics_publish
from catalog.services.tracks import track_upload
from catalog.tags import tags_read
from tests.catalog.conftest import upload_of

pytestmark = pytest.mark.django_db

LRC = "[la:en]\n[00:00.50]Cold water\n[00:01.20]Warm light\n"
TIMED = [{"start_ms": 500, "text": "Cold water"}, {"start_ms": 1200, "text": "Warm light"}]
PLAIN = [{"start_ms": None, "text": "Cold water"}, {"start_ms": None, "text": "Warm light"}]


def _id3(path: Path, *frames: object) -> None:
    tags = ID3(path)
    for frame in frames:
        tags.add(frame)
    tags.save(path)


def _vorbis(path: Path, key: str, text: str) -> None:
    audio = mutagen.File(path)
    audio[key] = text
    audio.save()


def _uploaded(artist, owner, path: Path, capture, **kwargs):
    with capture(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload_of(path), **kwargs)
    return Lyrics.objects.filter(track=track).first()


def test_id3_sylt_gives_synced_lyrics(artist, owner, make_audio, django_capture_on_commit_callbacks):
    path = make_audio("mp3", seconds=2)
    _id3(path, SYLT(encoding=3, lang="eng", format=2, type=1, text=[("Cold water", 500), ("Warm light", 1200)]))
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks)
    assert (lyrics.state, lyrics.source, lyrics.synced, lyrics.language) == ("draft", "tags", True, "en")
    assert lyrics.lines == TIMED


def test_id3_uslt_gives_plain_lyrics(artist, owner, make_audio, django_capture_on_commit_callbacks):
    path = make_audio("mp3", seconds=2)
    _id3(path, USLT(encoding=3, lang="por", desc="", text="Cold water\nWarm light\n"))
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks)
    assert (lyrics.synced, lyrics.language, lyrics.lines) == (False, "pt", PLAIN)


@pytest.mark.parametrize(("fmt", "key"), [("flac", "LYRICS"), ("flac", "UNSYNCEDLYRICS"), ("ogg", "LYRICS")])
def test_vorbis_comments_give_lyrics_and_an_lrc_inside_them_its_times(
    fmt, key, artist, owner, make_audio, django_capture_on_commit_callbacks
):
    path = make_audio(fmt, seconds=2)
    _vorbis(path, key, LRC)
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks)
    assert (lyrics.synced, lyrics.language, lyrics.lines) == (True, "en", TIMED)


def test_mp4_lyr_gives_lyrics(artist, owner, make_audio, django_capture_on_commit_callbacks):
    path = make_audio("m4a", seconds=2)
    audio = MP4(path)
    audio["\xa9lyr"] = ["Cold water\nWarm light"]
    audio.save()
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks)
    assert (lyrics.source, lyrics.synced, lyrics.lines) == ("tags", False, PLAIN)


def test_lyrics_past_the_end_of_the_audio_are_left_out_and_the_track_is_fine(
    artist, owner, make_audio, django_capture_on_commit_callbacks
):
    path = make_audio("flac", seconds=2)
    _vorbis(path, "LYRICS", "[00:00.50]Here\n[00:09.00]Long after the end\n")
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload_of(path))
    track.refresh_from_db()
    assert track.status == "ready"
    assert not Lyrics.objects.filter(track=track).exists()


def test_a_huge_lyrics_tag_is_refused_with_a_reason(make_audio):
    path = make_audio("flac", seconds=1)
    _vorbis(path, "LYRICS", "la " * 100_000)
    tags = tags_read(path)
    assert tags.lyrics is None
    assert tags.lyrics_refused == "The lyrics tag passes 256 KB."


def test_tags_never_replace_a_draft_the_artist_wrote(artist, owner, make_audio, django_capture_on_commit_callbacks):
    path = make_audio("flac", seconds=2)
    _vorbis(path, "LYRICS", LRC)
    lrc = SimpleUploadedFile("song.lrc", b"[00:00.10]Mine\n")
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks, lyrics=lrc)
    assert (lyrics.source, lyrics.lines) == ("lrc", [{"start_ms": 100, "text": "Mine"}])


def test_an_lrc_beside_the_audio_becomes_the_draft(artist, owner, make_audio, django_capture_on_commit_callbacks):
    path = make_audio("mp3", seconds=2)
    lrc = SimpleUploadedFile("song.lrc", LRC.encode())
    lyrics = _uploaded(artist, owner, path, django_capture_on_commit_callbacks, lyrics=lrc)
    assert (lyrics.state, lyrics.source, lyrics.language, lyrics.lines) == ("draft", "lrc", "en", TIMED)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02ID3binary", "The lyrics file is not text (UTF-8): it looks like a binary file."),
        (b"[00:05.00]b\n[00:01.00]a\n", "Line 2 starts at 00:01.00, before line 1 (00:05.00): times must not go back."),
        (b"x" * (300 * 1024), "The lyrics file is larger than 256 KB, the limit."),
    ],
)
def test_a_bad_lrc_refuses_the_upload_and_keeps_nothing(artist, owner, make_audio, content, message):
    path = make_audio("mp3", seconds=1)
    with pytest.raises(ValidationError) as refused:
        track_upload(artist=artist, by=owner, file=upload_of(path), lyrics=SimpleUploadedFile("song.lrc", content))
    assert refused.value.messages == [message]
    assert not artist.tracks.exists()
    assert not Lyrics.objects.exists()


def test_a_saved_draft_is_checked_against_the_track_once_its_length_is_known(
    artist, owner, make_audio, django_capture_on_commit_callbacks
):
    path = make_audio("mp3", seconds=2)
    lrc = SimpleUploadedFile("song.lrc", b"[00:00.50]In time\n[00:30.00]Far too late\n")
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=upload_of(path), lyrics=lrc)
    track.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        lyrics_publish(track=track, by=owner)
    assert "Line 2 starts at 00:30.00, after the track ends" in refused.value.messages[0]
    assert Lyrics.objects.get(track=track).state == "draft"


def test_the_upload_api_takes_an_lrc_beside_the_file(artist, owner, make_audio, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    path = make_audio("mp3", seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/api/v1/uploads/",
            {"artist": artist.pk, "file": upload_of(path), "lyrics": SimpleUploadedFile("a.lrc", LRC.encode())},
            format="multipart",
        )
    assert answer.status_code == 201, answer.json()
    assert Lyrics.objects.get(track_id=answer.json()["id"]).lines == TIMED
    bad = api.post(
        "/api/v1/uploads/",
        {"artist": artist.pk, "file": upload_of(path), "lyrics": SimpleUploadedFile("a.lrc", b"\x00\xff")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert "looks like a binary file" in str(bad.json())


def test_the_upload_page_pairs_an_lrc_with_the_audio_of_its_name(
    client, artist, owner, make_audio, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    song = make_audio("mp3", seconds=2, name="Glass Fjord.mp3")
    other = make_audio("mp3", seconds=2, name="Other.mp3")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("studio:upload", args=[artist.slug]),
            {"file": [upload_of(song), upload_of(other), SimpleUploadedFile("glass fjord.lrc", LRC.encode())]},
        )
    assert artist.tracks.count() == 2
    assert [(lyrics.track.original_filename, lyrics.lines) for lyrics in Lyrics.objects.all()] == [
        ("Glass Fjord.mp3", TIMED)
    ]
