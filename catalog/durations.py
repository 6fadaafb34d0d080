"""How long a track or an album lasts, written the one way every page shows it.

Whole seconds, cut rather than rounded, as the player counts them and as common
players show them: 187 600 ms is 3:07 on the listener's row, in the studio and in
the player bar alike (``formatDuration`` in ``static/js/format.js`` is the same rule).
"""


def duration_format(milliseconds: int | None) -> str:
    """3:07 for 187 600 ms, 1:02:03 past an hour, "" when unknown."""
    if milliseconds is None:
        return ""
    seconds = max(0, int(milliseconds)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
