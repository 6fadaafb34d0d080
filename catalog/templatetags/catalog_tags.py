"""Filters the listener pages use to show catalog rows."""

from django import template

from catalog.artwork import artwork_url

register = template.Library()


@register.filter
def artwork(name: object, size: int = 300) -> str:
    """The URL of a stored artwork at one of its rendered sizes (64, 300, 640), or ""."""
    return artwork_url(str(name or ""), int(size))


@register.filter
def duration(milliseconds: int | None) -> str:
    """3:07 for 187 000 ms, 1:02:03 past an hour, "" when unknown."""
    if milliseconds is None:
        return ""
    seconds = int(milliseconds) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
