"""Who an artist page shows under "Fans also like": apps above search may know better than genres.

search sits below the apps that learn from listening, so it cannot ask them; one
adds its source when it starts (``AppConfig.ready``) with :func:`related_source_add`
(recommendations adds the artists played by the same listeners). The artist page
takes the first source's answer when it names at least ``ENOUGH`` artists, and
otherwise the artists sharing the most genres (``search.browse``).
"""

from collections.abc import Callable

from catalog.models import Artist

ENOUGH = 3

RelatedSource = Callable[[Artist, int], list[Artist]]

_sources: list[RelatedSource] = []


def related_source_add(source: RelatedSource) -> None:
    """Ask ``source(artist, limit)`` for an artist page's related artists (added once, however often called)."""
    if source not in _sources:
        _sources.append(source)


def related_from_sources(artist: Artist, *, limit: int) -> list[Artist]:
    """The first registered source's artists when there are at least ``ENOUGH`` of them, else none."""
    for source in _sources:
        found = [other for other in source(artist, limit) if other.pk != artist.pk][:limit]
        if len(found) >= ENOUGH:
            return found
    return []
