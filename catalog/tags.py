"""Tags inside an audio file (title, artists, album, numbers, genre, year, artwork).

Read with mutagen for every format it knows; what it cannot read (a WAV's
INFO chunk, say) comes from the container's metadata as FFmpeg sees it.
"""

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import mutagen
from mutagen.flac import Picture

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
    return AudioTags(
        title=_checked("title", _first(values.get("title"))),
        artists=tuple(artists),
        album=_checked("album", _first(values.get("album"))),
        track_number=_number(values.get("track")),
        disc_number=_number(values.get("disc")),
        genre=_checked("genre", _first(values.get("genre"))),
        year=_year(values.get("date")),
        artwork=_artwork(audio) if audio is not None else None,
    )
