"""Lyrics as text: reading and writing .lrc, and the rules every stored line keeps.

Pure functions, no database. A line is ``{"start_ms": int | None, "text": str}``,
optionally with ``"words": [{"start_ms": int, "text": str}]`` (the enhanced
LRC's ``<mm:ss.xx>`` word times). Lyrics are *synced* when every line has a
start time, *plain* when none has; a mix is refused.

The rules (``lyrics_clean``): at most ``MAX_LYRICS_BYTES`` of text and
``MAX_LYRICS_LINES`` lines; text only (a NUL byte or bytes that are not UTF-8
mean a binary file, refused), control characters stripped; times at or after
zero, never going back (equal times are fine: two lines sung together), and
none after the track's end. Each refusal is a ``ValidationError`` naming the
line. An empty line is kept as an instrumental break in synced lyrics and
dropped from plain ones.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LYRICS_BYTES = 64 * 1024
MAX_LYRICS_LINES = 1000
MAX_LINE_CHARS = 500
MAX_LRC_BYTES = 256 * 1024  # an .lrc file with its times and tags around the text

Line = dict[str, Any]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_TIME = r"(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?"
_LINE_TIME = re.compile(r"\[" + _TIME + r"\]")
_WORD_TIME = re.compile(r"<" + _TIME + r">")
_ID_TAG = re.compile(r"^\[([A-Za-z#]+):(.*)\]\s*$")


@dataclass(frozen=True)
class ParsedLyrics:
    lines: list[Line] = field(default_factory=list)
    synced: bool = False
    language: str = ""
    written_by: str = ""
    title: str = ""
    artist: str = ""


def _ms(minutes: str, seconds: str, fraction: str | None) -> int:
    fraction = fraction or "0"
    return (int(minutes) * 60 + int(seconds)) * 1000 + int(fraction.ljust(3, "0")[:3])


def time_format(ms: int) -> str:
    """01:02.50 for 62 500 ms (hundredths, or thousandths when they matter), as .lrc and messages write it."""
    minutes, rest = divmod(ms, 60_000)
    seconds, millis = divmod(rest, 1000)
    fraction = f"{millis // 10:02d}" if millis % 10 == 0 else f"{millis:03d}"
    return f"{minutes:02d}:{seconds:02d}.{fraction}"


def lyrics_decode(data: bytes) -> str:
    """The text of an uploaded lyrics file: UTF-8 (or UTF-16 with its mark); anything else is refused."""
    if len(data) > MAX_LRC_BYTES:
        raise ValidationError(
            _("The lyrics file is larger than %(value)s KB, the limit.") % {"value": MAX_LRC_BYTES // 1024},
            code="too_large",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise ValidationError(_("The lyrics file is not text (UTF-8): it looks like a binary file."), code="binary")


def language_clean(language: str) -> str:
    language = (language or "").strip()
    if language and (len(language) > 35 or not _LANGUAGE.match(language)):
        raise ValidationError(
            _("“%(language)s” is not a language tag (BCP 47, like en or pt-BR).") % {"language": language[:40]},
            code="language",
        )
    return language


def _text(value: Any, *, number: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Line %(number)s: the text must be a string.") % {"number": number}, code="invalid")
    if "\x00" in value:
        raise ValidationError(
            _("Line %(number)s holds a NUL byte: lyrics must be text, not binary.") % {"number": number}, code="binary"
        )
    # Tabs and the like become spaces; other control and format characters go.
    value = "".join(
        " " if ch in "\t\r\n\v\f" else ch for ch in value if ch in "\t\r\n\v\f" or unicodedata.category(ch) != "Cc"
    )
    value = " ".join(value.split())
    if len(value) > MAX_LINE_CHARS:
        raise ValidationError(
            _("Line %(number)s is %(value)s characters long; the limit is %(MAX_LINE_CHARS)s.")
            % {"number": number, "value": f"{len(value):,}", "MAX_LINE_CHARS": MAX_LINE_CHARS},
            code="too_long",
        )
    return value


def _start(value: Any, *, number: int, what: str = "") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("Line %(number)s%(what)s: the start time must be a whole number of milliseconds.")
            % {"number": number, "what": what}
        )
    if value < 0:
        raise ValidationError(
            _("Line %(number)s%(what)s starts before zero (%(value)s ms).")
            % {"number": number, "what": what, "value": value},
            code="negative",
        )
    return value


def _past_end(start: int, duration_ms: int | None) -> bool:
    return duration_ms is not None and start > duration_ms


def _words(value: Any, *, number: int, line_start: int | None, duration_ms: int | None) -> list[Line]:
    if not isinstance(value, list):
        raise ValidationError(_("Line %(number)s: the words must be a list.") % {"number": number})
    if line_start is None:
        raise ValidationError(_("Line %(number)s times its words but not the line itself.") % {"number": number})
    words: list[Line] = []
    previous = line_start
    for index, word in enumerate(value, start=1):
        if not isinstance(word, dict):
            raise ValidationError(
                _("Line %(number)s, word %(index)s: each word is an object with start_ms and text.")
                % {"number": number, "index": index}
            )
        start = _start(word.get("start_ms"), number=number, what=_(", word %(index)s,") % {"index": index})
        if start is None:
            raise ValidationError(
                _("Line %(number)s, word %(index)s has no start time.") % {"number": number, "index": index}
            )
        if start < previous:
            raise ValidationError(
                _(
                    "Line %(number)s, word %(index)s starts at %(start)s, before the word or line before it "
                    "(%(previous)s): times must not go back."
                )
                % {"number": number, "index": index, "start": time_format(start), "previous": time_format(previous)}
            )
        if _past_end(start, duration_ms):
            raise ValidationError(
                _("Line %(number)s, word %(index)s starts at %(start)s, after the track ends (%(end)s).")
                % {"number": number, "index": index, "start": time_format(start), "end": time_format(duration_ms or 0)}
            )
        previous = start
        words.append({"start_ms": start, "text": _text(word.get("text", ""), number=number)})
    return words


def lyrics_clean(lines: Any, *, duration_ms: int | None) -> list[Line]:
    """``lines`` checked and tidied by the rules above (see the module), or a ValidationError naming the line."""
    if not isinstance(lines, list):
        raise ValidationError(_("The lines must be a list."))
    if len(lines) > MAX_LYRICS_LINES:
        raise ValidationError(
            _("The lyrics have %(value)s lines; the limit is %(MAX_LYRICS_LINES)s.")
            % {"value": f"{len(lines):,}", "MAX_LYRICS_LINES": f"{MAX_LYRICS_LINES:,}"}
        )
    cleaned: list[Line] = []
    timed = untimed = 0
    previous: tuple[int, int] | None = None  # (line number, start)
    total = 0
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise ValidationError(
                _("Line %(number)s: each line is an object with start_ms and text.") % {"number": number}
            )
        text = _text(line.get("text", ""), number=number)
        start = _start(line.get("start_ms"), number=number)
        if start is None:
            untimed += 1
        else:
            timed += 1
            if previous is not None and start < previous[1]:
                raise ValidationError(
                    _(
                        "Line %(number)s starts at %(start)s, before line %(before)s (%(previous)s): "
                        "times must not go back."
                    )
                    % {
                        "number": number,
                        "start": time_format(start),
                        "before": previous[0],
                        "previous": time_format(previous[1]),
                    },
                    code="out_of_order",
                )
            if _past_end(start, duration_ms):
                raise ValidationError(
                    _("Line %(number)s starts at %(start)s, after the track ends (%(end)s).")
                    % {"number": number, "start": time_format(start), "end": time_format(duration_ms or 0)},
                    code="past_end",
                )
            previous = (number, start)
        if timed and untimed:
            raise ValidationError(
                _("Line %(number)s: some lines have a time and others not; sync every line, or none.")
                % {"number": number},
                code="mixed",
            )
        total += len(text.encode())
        if total > MAX_LYRICS_BYTES:
            raise ValidationError(
                _("The lyrics pass %(value)s KB of text at line %(number)s.")
                % {"value": MAX_LYRICS_BYTES // 1024, "number": number},
                code="too_large",
            )
        entry: Line = {"start_ms": start, "text": text}
        if line.get("words"):
            entry["words"] = _words(line["words"], number=number, line_start=start, duration_ms=duration_ms)
        cleaned.append(entry)
    if not timed:
        cleaned = [line for line in cleaned if line["text"]]
    # Breaks at the very start or end say nothing.
    while cleaned and not cleaned[-1]["text"]:
        cleaned.pop()
    return cleaned


def lines_synced(lines: list[Line]) -> bool:
    return bool(lines) and all(line["start_ms"] is not None for line in lines)


def lrc_parse(text: str) -> ParsedLyrics:
    """Lines, language and credits from the text of an .lrc file (or plain text: one line a line).

    ``[mm:ss.xx]`` starts a line; several of them on one line repeat it at each
    time, and then the lines are put in time order (that is what the format
    means). ``<mm:ss.xx>`` inside a line times its words. ``[offset:±ms]`` moves
    every time; ``[la:]``, ``[au:]``, ``[ti:]`` and ``[ar:]`` give the language,
    writer, title and artist. Times are checked later, by ``lyrics_clean``.
    """
    if "\x00" in text:
        raise ValidationError(_("The lyrics are not text: they hold NUL bytes, like a binary file."), code="binary")
    if len(text.encode()) > MAX_LRC_BYTES:
        raise ValidationError(
            _("The lyrics file passes %(value)s KB.") % {"value": MAX_LRC_BYTES // 1024}, code="too_large"
        )
    tags: dict[str, str] = {}
    stamped: list[tuple[int, Line]] = []
    plain: list[Line] = []
    repeated = False
    for raw in text.splitlines():
        raw = raw.strip()
        times: list[int] = []
        while (match := _LINE_TIME.match(raw)) is not None:
            times.append(_ms(*match.groups()))
            raw = raw[match.end() :].lstrip()
        if not times:
            tag = _ID_TAG.match(raw)
            if tag is not None:
                tags[tag.group(1).lower()] = tag.group(2).strip()
            elif raw or plain:
                plain.append({"start_ms": None, "text": raw})
            continue
        repeated = repeated or len(times) > 1
        words = [{"start_ms": _ms(*m.groups()), "text": ""} for m in _WORD_TIME.finditer(raw)]
        if words:
            pieces = _WORD_TIME.split(raw)
            # split gives text before the first time, then (m, s, f, text) for each time.
            texts = [pieces[i].strip() for i in range(4, len(pieces), 4)]
            for word, piece in zip(words, texts, strict=True):
                word["text"] = piece
            raw = " ".join(piece for piece in [pieces[0].strip(), *texts] if piece)
        for start in times:
            line: Line = {"start_ms": start, "text": raw}
            if words:
                line["words"] = [dict(word) for word in words]
            stamped.append((start, line))
    if stamped and any(line["text"] for line in plain):
        first = next(line["text"] for line in plain if line["text"])
        raise ValidationError(
            _("“%(line)s” has no time while other lines do: sync every line, or none.") % {"line": first[:60]}
        )
    offset = 0
    try:
        offset = int(tags.get("offset", "0").replace("+", "") or 0)
    except ValueError:
        offset = 0
    lines = [line for _start, line in (sorted(stamped, key=lambda pair: pair[0]) if repeated else stamped)]
    if offset:
        # A positive offset shows the lines earlier.
        for line in lines:
            line["start_ms"] = max(0, line["start_ms"] - offset)
            for word in line.get("words", []):
                word["start_ms"] = max(0, word["start_ms"] - offset)
    return ParsedLyrics(
        lines=lines or plain,
        synced=bool(lines),
        language=tags.get("la") or tags.get("lang") or tags.get("language") or "",
        written_by=tags.get("au", ""),
        title=tags.get("ti", ""),
        artist=tags.get("ar", ""),
    )


def lrc_render(
    lines: list[Line], *, language: str = "", written_by: str = "", title: str = "", artist: str = ""
) -> str:
    """The .lrc text of ``lines``: synced lines with their times (and word times), plain ones as they are."""
    out = [
        f"[{key}:{value}]"
        for key, value in (("ti", title), ("ar", artist), ("au", written_by), ("la", language))
        if value
    ]
    for line in lines:
        text = line["text"]
        if line.get("words"):
            text = " ".join(f"<{time_format(word['start_ms'])}>{word['text']}" for word in line["words"])
        out.append(text if line["start_ms"] is None else f"[{time_format(line['start_ms'])}]{text}")
    return "\n".join(out) + "\n"
