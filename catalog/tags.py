"""Tags inside an audio file (title, artists, album, numbers, genre, year, artwork, lyrics).

Read with mutagen for every format it knows; what it cannot read (a WAV's
INFO chunk, say) comes from the container's metadata as FFmpeg sees it.
"""

import base64
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import av
import mutagen
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from mutagen.flac import Picture

from catalog.lyrics import MAX_LRC_BYTES, ParsedLyrics, lrc_parse

MAX_TAG_CHARS = 300


class TagError(ValueError):
    """A tag is unusable; the message says which and why, for a person."""


@dataclass(frozen=True)
class AudioTags:
    title: str = ""
    artists: tuple[str, ...] = ()
    album: str = ""
    track_number: int | None = None
    disc_number: int | None = None
    genre: str = ""
    year: int | None = None
    artwork: bytes | None = field(default=None, repr=False)
    # Lyrics found in the file, and why those found were not usable (for the log; the upload goes on).
    lyrics: ParsedLyrics | None = field(default=None, repr=False)
    lyrics_refused: str = ""


def _first(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, list | tuple):
        values = values[0] if values else ""
    return str(values).strip()


def _number(value: Any) -> int | None:
    """'3', '3/12' or (3, 12) -> 3."""
    if isinstance(value, list | tuple) and value and isinstance(value[0], tuple):
        value = value[0]
    if isinstance(value, tuple):
        value = value[0]
    match = re.match(r"\s*(\d{1,4})", _first(value))
    number = int(match.group(1)) if match else 0
    return number or None


def _year(value: Any) -> int | None:
    match = re.match(r"\s*(\d{4})", _first(value))
    year = int(match.group(1)) if match else 0
    return year if 1000 <= year <= 2999 else None


def _checked(name: str, text: str) -> str:
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    if len(text) > MAX_TAG_CHARS:
        raise TagError(f"The {name} tag is {len(text):,} characters long; the limit is {MAX_TAG_CHARS}.")
    return text


def _artwork(audio: Any) -> bytes | None:
    tags = getattr(audio, "tags", None)
    pictures = getattr(audio, "pictures", None)  # FLAC
    if pictures:
        return bytes(pictures[0].data)
    if tags is None:
        return None
    if hasattr(tags, "getall"):  # ID3 (MP3, WAV, AIFF)
        frames = tags.getall("APIC")
        return bytes(frames[0].data) if frames else None
    if "covr" in tags:  # MP4
        return bytes(tags["covr"][0])
    blocks = tags.get("metadata_block_picture") if hasattr(tags, "get") else None  # Ogg
    if blocks:
        try:
            return bytes(Picture(base64.b64decode(blocks[0])).data)
        except (ValueError, TypeError):
            return None
    return None


# ID3 gives a language as ISO 639-2; the common ones in their BCP 47 form, the rest as they are.
_ID3_LANGUAGES = {
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "por": "pt",
    "ita": "it",
    "nld": "nl",
    "dut": "nl",
    "jpn": "ja",
    "kor": "ko",
    "zho": "zh",
    "chi": "zh",
    "rus": "ru",
    "swe": "sv",
    "pol": "pl",
    "tur": "tr",
    "ara": "ar",
    "hin": "hi",
}
_SYLT_MILLISECONDS = 2


def _id3_language(code: Any) -> str:
    code = str(code or "").strip().lower()
    if not re.fullmatch(r"[a-z]{3}", code) or code in ("und", "xxx", "zxx", "mul"):
        return ""
    return _ID3_LANGUAGES.get(code, code)


def _lyrics_text(text: str, *, language: str = "") -> ParsedLyrics:
    """Lyrics from a tag's text: an LRC inside it is read with its times."""
    if len(text.encode(errors="replace")) > MAX_LRC_BYTES:
        raise ValidationError(_("The lyrics tag passes %(value)s KB.") % {"value": MAX_LRC_BYTES // 1024})
    parsed = lrc_parse(text)
    if language and not parsed.language:
        parsed = replace(parsed, language=language)
    return parsed


def _lyrics_id3(tags: Any) -> ParsedLyrics | None:
    for frame in tags.getall("SYLT"):
        if frame.format == _SYLT_MILLISECONDS and frame.text:
            lines = [{"start_ms": int(start), "text": str(text)} for text, start in frame.text]
            return ParsedLyrics(lines=lines, synced=True, language=_id3_language(frame.lang))
    for frame in tags.getall("USLT"):
        if str(frame.text).strip():
            return _lyrics_text(str(frame.text), language=_id3_language(frame.lang))
    return None


def _lyrics(audio: Any) -> ParsedLyrics | None:
    """Lyrics in ID3 SYLT (synced, in milliseconds) or USLT, Vorbis LYRICS or UNSYNCEDLYRICS, or MP4 ©lyr."""
    tags = getattr(audio, "tags", None)
    if tags is None:
        return None
    if hasattr(tags, "getall"):  # ID3 (MP3, WAV, AIFF)
        return _lyrics_id3(tags)
    keys = {str(key).lower(): key for key in tags.keys()}  # noqa: SIM118 (a Vorbis comment iterates as pairs)
    for name in ("\xa9lyr", "lyrics", "unsyncedlyrics"):
        if name in keys:
            text = _first(tags[keys[name]])
            if text:
                return _lyrics_text(text)
    return None


_EASY_KEYS = {
    "title": "title",
    "artist": "artist",
    "album": "album",
    "tracknumber": "track",
    "discnumber": "disc",
    "genre": "genre",
    "date": "date",
}


def _easy_tags(path: Path) -> dict[str, Any]:
    try:
        easy = mutagen.File(path, easy=True)
    except mutagen.MutagenError:
        return {}
    if easy is None or easy.tags is None or not hasattr(easy.tags, "keys"):
        return {}
    found: dict[str, Any] = {}
    for key, name in _EASY_KEYS.items():
        try:
            if key in easy.tags:
                found[name] = easy.tags[key]
        except (KeyError, ValueError):
            continue
    return found


def _container_tags(path: Path) -> dict[str, Any]:
    try:
        with av.open(str(path)) as container:
            metadata = {key.lower(): value for key, value in container.metadata.items()}
    except av.FFmpegError:
        return {}
    return {
        name: metadata[name]
        for name in ("title", "artist", "album", "track", "disc", "genre", "date")
        if name in metadata
    }


def tags_read(path: Path) -> AudioTags:
    """The tags of the audio file at ``path``; TagError if one is unusable."""
    values = {**_container_tags(path), **_easy_tags(path)}
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError:
        audio = None
    artists_raw = values.get("artist") or []
    if isinstance(artists_raw, str):
        artists_raw = [artists_raw]
    artists: list[str] = []
    for entry in artists_raw:
        for name in re.split(r"\s*(?:;|/|\x00)\s*", str(entry)):
            name = _checked("artist", name)
            if name and name not in artists:
                artists.append(name)
    lyrics, lyrics_refused = None, ""
    if audio is not None:
        try:
            lyrics = _lyrics(audio)
        except ValidationError as exc:
            lyrics_refused = " ".join(exc.messages)
    return AudioTags(
        lyrics=lyrics,
        lyrics_refused=lyrics_refused,
        title=_checked("title", _first(values.get("title"))),
        artists=tuple(artists),
        album=_checked("album", _first(values.get("album"))),
        track_number=_number(values.get("track")),
        disc_number=_number(values.get("disc")),
        genre=_checked("genre", _first(values.get("genre"))),
        year=_year(values.get("date")),
        artwork=_artwork(audio) if audio is not None else None,
    )
