"""Lyrics through Subsonic: getLyricsBySongId (OpenSubsonic songLyrics) and getLyrics, published ones only."""

from typing import Any

import pytest

from catalog.models import Lyrics, Track
from tests.subsonic.conftest import Subsonic

pytestmark = pytest.mark.django_db

LINES = [{"start_ms": 0, "text": "North wind"}, {"start_ms": 2500, "text": "Carry me home"}]


def _lyrics(track: Track, **fields: Any) -> Lyrics:
    return Lyrics.objects.create(track=track, **{"state": Lyrics.State.PUBLISHED, "lines": LINES, **fields})


def test_synced_lyrics_by_song_id(subsonic: Subsonic, track: Track) -> None:
    _lyrics(track, synced=True, language="en")
    body = subsonic.ok("getLyricsBySongId", id=f"tr-{track.pk}")
    assert body["lyricsList"]["structuredLyrics"] == [
        {
            "lang": "en",
            "synced": True,
            "displayArtist": track.artist.name,
            "displayTitle": track.title,
            "offset": 0,
            "line": [{"start": 0, "value": "North wind"}, {"start": 2500, "value": "Carry me home"}],
        }
    ]


def test_plain_lyrics_have_no_starts_and_an_undetermined_language(subsonic: Subsonic, track: Track) -> None:
    _lyrics(track, lines=[{"start_ms": None, "text": "North wind"}])
    (lyrics,) = subsonic.ok("getLyricsBySongId", id=f"tr-{track.pk}")["lyricsList"]["structuredLyrics"]
    assert (lyrics["lang"], lyrics["synced"], lyrics["line"]) == ("und", False, [{"value": "North wind"}])


def test_a_draft_is_not_given(subsonic: Subsonic, track: Track) -> None:
    _lyrics(track, state=Lyrics.State.DRAFT, synced=True)
    assert subsonic.ok("getLyricsBySongId", id=f"tr-{track.pk}")["lyricsList"] == {"structuredLyrics": []}
    assert subsonic.ok("getLyrics", artist=track.artist.name, title=track.title)["lyrics"] == {}


def test_get_lyrics_by_artist_and_title(subsonic: Subsonic, track: Track) -> None:
    _lyrics(track, synced=True)
    body = subsonic.ok("getLyrics", artist=track.artist.name.upper(), title=track.title)
    assert body["lyrics"] == {
        "artist": track.artist.name,
        "title": track.title,
        "value": "North wind\nCarry me home",
    }
    xml = subsonic.get("getLyrics", fmt="xml", artist=track.artist.name, title=track.title).content.decode()
    assert f'<lyrics artist="{track.artist.name}" title="{track.title}">North wind\nCarry me home</lyrics>' in xml
    assert subsonic.ok("getLyrics", artist="Nobody", title=track.title)["lyrics"] == {}


def test_songlyrics_is_among_the_extensions(subsonic: Subsonic) -> None:
    extensions = subsonic.ok("getOpenSubsonicExtensions")["openSubsonicExtensions"]
    assert {"name": "songLyrics", "versions": [1]} in extensions
