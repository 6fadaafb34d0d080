"""Searching as a listener: the backend's ids, cached, then the rows the listener may see."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache

from accounts.models import User
from catalog.models import Lyrics
from search.backends import Hits, PrivateIds, Query, search_backend
from search.backends.database import LYRICS_MIN_WORDS
from search.documents import kinds_available
from search.indexing import search_version
from search.kinds import kind_get
from search.models import RecentSearch
from search.text import fold


@dataclass
class ResultPage:
    kind: str
    items: list[Any]
    total: int
    limit: int
    offset: int
    # Of the tracks found by their lyrics: the line that holds the words asked for, by track id.
    lyrics_lines: dict[int, str] = field(default_factory=dict)


def _viewer_id(viewer: User) -> int | None:
    return viewer.pk if viewer.is_authenticated else None


def _cache_key(name: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"search:{search_version()}:{name}:{digest}"


def _personal(kinds: tuple[str, ...]) -> bool:
    """Whether what these kinds find depends on who asks (some of their documents are not public)."""
    return any(kind_get(kind).private_to is not None for kind in kinds)


def _private(kinds: Iterable[str], viewer: User) -> PrivateIds:
    """By kind, the ids of the documents not public that ``viewer`` may find, by each kind's own rule.

    Querysets, not yet read: the database backend reads them within its own query.
    """
    if not viewer.is_authenticated:
        return {}
    rules = {kind: kind_get(kind).private_to for kind in kinds}
    return {kind: rule(viewer).values_list("pk", flat=True) for kind, rule in rules.items() if rule is not None}


def result_load(kind: str, ids: list[int], viewer: User) -> list[Any]:
    """The rows of these ids that ``viewer`` may see, in the order given."""
    # Filtered again by the kind's own rule, so an index that is behind never shows what it should not.
    found = kind_get(kind).visible_to(viewer).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search_results(
    *, text: str, viewer: User, kinds: tuple[str, ...], genre: str = "", limit: int = 20, offset: int = 0
) -> dict[str, ResultPage]:
    """One page of results of each kind asked for, best first."""
    # Only kinds with private documents (playlists) depend on who asks: everyone else shares a cache entry.
    viewer_id = _viewer_id(viewer) if _personal(kinds) else None
    query = Query(text=fold(text), kinds=kinds, viewer_id=viewer_id, genre=genre, limit=limit, offset=offset)

    def answer() -> dict[str, Hits]:
        return search_backend().search(replace(query, private=_private(kinds, viewer)))

    found: dict[str, Hits] = cache.get_or_set(  # type: ignore[assignment]
        _cache_key("q", query), answer, timeout=settings.SEARCH_CACHE_SECONDS
    )
    pages = {
        kind: ResultPage(
            kind=kind, items=result_load(kind, hits.ids, viewer), total=hits.total, limit=limit, offset=offset
        )
        for kind, hits in found.items()
    }
    if "track" in pages and found["track"].by_lyrics:
        pages["track"].lyrics_lines = lyrics_lines_matching(track_ids=found["track"].by_lyrics, text=text)
    return pages


def lyrics_lines_matching(*, track_ids: list[int], text: str) -> dict[int, str]:
    """For each of these tracks whose published lyrics hold ``text`` (two words or more) in a line: that line."""
    phrase = fold(text)
    if len(phrase.split()) < LYRICS_MIN_WORDS or not track_ids:
        return {}
    published = Lyrics.objects.filter(track_id__in=track_ids, state=Lyrics.State.PUBLISHED)
    found: dict[int, str] = {}
    for track_id, lines in published.values_list("track_id", "lines"):
        for line in lines:
            if phrase in fold(str(line.get("text", ""))):
                found[track_id] = line["text"]
                break
    return found


@dataclass
class Suggestion:
    kind: str
    item: Any

    @property
    def name(self) -> str:
        return str(getattr(self.item, "title", None) or self.item.name)

    @property
    def subtitle(self) -> str:
        return kind_get(self.kind).suggestion(self.item)[0]

    @property
    def url(self) -> str:
        return kind_get(self.kind).suggestion(self.item)[1]


def _suggestions(pairs: list[tuple[str, int]], viewer: User) -> list[Suggestion]:
    """(kind, id) pairs as suggestions, in order, leaving out what ``viewer`` may not see (any more)."""
    loaded: dict[str, dict[int, Any]] = {}
    for kind in {kind for kind, _ in pairs}:
        ids = [pk for k, pk in pairs if k == kind]
        loaded[kind] = {row.pk: row for row in result_load(kind, ids, viewer)}
    return [Suggestion(kind, loaded[kind][pk]) for kind, pk in pairs if pk in loaded.get(kind, {})]


def recent_searches(*, user: User) -> list[Suggestion]:
    """The results ``user`` last opened or played from search, the latest first."""
    if not user.is_authenticated:
        return []
    pairs = RecentSearch.objects.filter(user=user).order_by("-searched_at", "-id").values_list("kind", "object_id")
    return _suggestions([(kind, pk) for kind, pk in pairs], user)


def suggestions(*, text: str, viewer: User, limit: int = 8) -> list[Suggestion]:
    """The best few matches of any kind for a half-typed query."""
    folded, viewer_id = fold(text), _viewer_id(viewer)
    if not folded:
        return []
    pairs: list[tuple[str, int]] = cache.get_or_set(  # type: ignore[assignment]
        _cache_key("suggest", folded, viewer_id, limit),
        lambda: search_backend().suggest(
            folded, viewer_id=viewer_id, limit=limit, private=_private(kinds_available(), viewer)
        ),
        timeout=settings.SEARCH_CACHE_SECONDS,
    )
    return _suggestions(pairs, viewer)
