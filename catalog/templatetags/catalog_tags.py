"""Filters the listener pages use to show catalog rows."""

from django import template

from catalog.artwork import artwork_url
from catalog.durations import duration_format

register = template.Library()


@register.filter
def artwork(name: object, size: int = 300) -> str:
    """The URL of a stored artwork at one of its rendered sizes (64, 300, 640), or ""."""
    return artwork_url(str(name or ""), int(size))


@register.filter
def duration(milliseconds: int | None) -> str:
    """3:07 for 187 600 ms, 1:02:03 past an hour, "" when unknown (``catalog.durations``)."""
    return duration_format(milliseconds)
