"""Tracks as the studio lists them: each with its length, written the way the listener's pages write it."""

from collections.abc import Iterable

from catalog.durations import duration_format
from catalog.models import Track


def length(ms: int | None) -> str:
    """3:07, or 1:02:05 for the long ones, as the listener's pages show it; a dash while it is not known."""
    return duration_format(ms) or "–"


def track_rows(tracks: Iterable[Track]) -> list[tuple[Track, str]]:
    return [(track, length(track.duration_ms)) for track in tracks]
