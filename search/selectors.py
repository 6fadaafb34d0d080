"""Searching as a listener: the backend's ids, cached, then the rows the listener may see."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from catalog.access import albums_visible_to, tracks_visible_to
from catalog.models import Artist
from search.backends import Hits, Query, search_backend
from search.indexing import search_version
from search.models import RecentSearch
from search.text import fold


@dataclass
class ResultPage:
    kind: str
    items: list[Any]
    total: int
    limit: int
    offset: int


def _viewer_id(viewer: User) -> int | None:
    return viewer.pk if viewer.is_authenticated else None


def _cache_key(name: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"search:{search_version()}:{name}:{digest}"


def _rows(kind: str, viewer: User) -> QuerySet[Any]:
    """Where the rows of each kind come from: filtered again, so a stale index never shows what it should not."""
    if kind == "track":
        return (
            tracks_visible_to(viewer).select_related("artist", "album").prefetch_related("featured_artists", "genres")
        )
    if kind == "album":
        return albums_visible_to(viewer).select_related("artist").prefetch_related("genres")
    if kind == "artist":
        return Artist.objects.all()
    Playlist = apps.get_model("playlists", "Playlist")
    seen_by = Q(visibility="public") | Q(owner_id=_viewer_id(viewer))
    return Playlist.objects.filter(seen_by).select_related("owner")


def result_load(kind: str, ids: list[int], viewer: User) -> list[Any]:
    """The rows of these ids that ``viewer`` may see, in the order given."""
    found = _rows(kind, viewer).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search_results(
    *, text: str, viewer: User, kinds: tuple[str, ...], genre: str = "", limit: int = 20, offset: int = 0
) -> dict[str, ResultPage]:
    """One page of results of each kind asked for, best first."""
    # Only playlists depend on who asks (their own private ones): everyone else shares a cache entry.
    viewer_id = _viewer_id(viewer) if "playlist" in kinds else None
    query = Query(text=fold(text), kinds=kinds, viewer_id=viewer_id, genre=genre, limit=limit, offset=offset)
    found: dict[str, Hits] = cache.get_or_set(  # type: ignore[assignment]
        _cache_key("q", query), lambda: search_backend().search(query), timeout=settings.SEARCH_CACHE_SECONDS
    )
    return {
        kind: ResultPage(
            kind=kind, items=result_load(kind, hits.ids, viewer), total=hits.total, limit=limit, offset=offset
        )
        for kind, hits in found.items()
    }


@dataclass
class Suggestion:
    kind: str
    item: Any

    @property
    def name(self) -> str:
        return str(getattr(self.item, "title", None) or self.item.name)

    @property
    def subtitle(self) -> str:
        if self.kind in ("track", "album"):
            return f"{self.kind.title()} · {self.item.artist.name}"
        if self.kind == "playlist":
            return f"Playlist · {self.item.owner.public_name}"
        return "Artist"

    @property
    def url(self) -> str:
        if self.kind == "track":
            return reverse("browse:album", args=[self.item.album_id]) if self.item.album_id else ""
        if self.kind == "album":
            return reverse("browse:album", args=[self.item.pk])
        if self.kind == "artist":
            return reverse("browse:artist", args=[self.item.slug])
        return reverse("playlists:detail", args=[self.item.pk])


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
        lambda: search_backend().suggest(folded, viewer_id=viewer_id, limit=limit),
        timeout=settings.SEARCH_CACHE_SECONDS,
    )
    return _suggestions(pairs, viewer)
