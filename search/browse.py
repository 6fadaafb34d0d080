"""What the browse pages show: artists, albums, genres, new releases and charts.

Every listener sees the same published catalog, so each page's rows are built
once and cached for everyone. A version number in every key is bumped whenever
something visible changes (see :func:`browse_changed`), which drops them all at
once; play counts move all the time and do not bump it, so charts and top
tracks are up to ``BROWSE_TTL`` seconds behind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.functional import Promise

from catalog.access import tracks_visible_to
from catalog.models import Album, Artist, Genre, Track
from search.models import SearchEntry
from search.related import related_from_sources

BROWSE_TTL = 300
VERSION_KEY = "browse:version"

T = TypeVar("T")


def browse_changed() -> None:
    """Drop every cached browse page (called after commit when the visible catalog changes)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cached(name: str, build: Callable[[], T]) -> T:
    version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
    value: T = cache.get_or_set(f"browse:{version}:{name}", build, timeout=BROWSE_TTL)  # type: ignore[assignment]
    return value


def _public_tracks() -> QuerySet[Track]:
    listener = AnonymousUser()  # every listener sees the same published catalog
    return tracks_visible_to(listener).select_related("artist", "album").prefetch_related("featured_artists", "genres")  # type: ignore[arg-type]


def _published_albums() -> QuerySet[Album]:
    return Album.objects.filter(status=Album.Status.PUBLISHED).select_related("artist").prefetch_related("genres")


def _newest_first(albums: QuerySet[Album]) -> QuerySet[Album]:
    return albums.order_by("-release_date", "-published_at", "-id")


@dataclass(frozen=True)
class ArtistPage:
    artist: Artist
    top_tracks: list[Track]
    albums_by_type: list[tuple[str | Promise, list[Album]]]  # the type, translated when shown
    appears_on: list[Album]
    related: list[Artist]


def artist_page(*, slug: str) -> ArtistPage:
    """Artist.DoesNotExist for an unknown slug."""

    def build() -> ArtistPage:
        artist = Artist.objects.get(slug=slug)
        top = list(_public_tracks().filter(artist=artist).order_by("-play_count", "id")[:10])
        albums = list(_newest_first(_published_albums().filter(artist=artist)))
        grouped = [
            (label, [album for album in albums if album.album_type == value]) for value, label in Album.Type.choices
        ]
        return ArtistPage(
            artist, top, [(label, group) for label, group in grouped if group], _appears_on(artist), _related(artist)
        )

    return _cached(f"artist:{slug}", build)


def _appears_on(artist: Artist, limit: int = 12) -> list[Album]:
    """Other artists' published albums with a track that features this one, newest first."""
    featuring = _public_tracks().filter(featured_artists=artist).values("album_id")
    return list(_newest_first(_published_albums().filter(pk__in=featuring).exclude(artist=artist))[:limit])


def _related(artist: Artist, limit: int = 6) -> list[Artist]:
    """Fans also like: what a source above search finds (listening neighbours), else the genre list."""
    return related_from_sources(artist, limit=limit) or _related_by_genre(artist, limit=limit)


def _related_by_genre(artist: Artist, limit: int) -> list[Artist]:
    """Artists with published music in the most genres this one has, the more popular first."""
    genres = Album.objects.filter(artist=artist, status=Album.Status.PUBLISHED).values("genres")
    popularity = SearchEntry.objects.filter(kind="artist", object_id=OuterRef("pk")).values("popularity")[:1]
    return list(
        Artist.objects.filter(albums__status=Album.Status.PUBLISHED, albums__genres__in=genres)
        .exclude(pk=artist.pk)
        .annotate(shared=Count("albums__genres", distinct=True), popularity=Subquery(popularity))
        .order_by("-shared", F("popularity").desc(nulls_last=True), "name")[:limit]
    )


def album_page(*, album_id: int, viewer: object) -> Album:
    """The published album with its tracks, or a draft for its artist's members (Album.DoesNotExist otherwise)."""

    def build() -> Album | None:
        tracks = Prefetch("tracks", queryset=_public_tracks().order_by("disc_number", "track_number", "id"))
        return _published_albums().prefetch_related(tracks).filter(pk=album_id).first()

    album = _cached(f"album:{album_id}", build)
    if album is not None:
        return album
    from catalog.selectors import album_detail

    return album_detail(album_id=album_id, viewer=viewer)  # type: ignore[arg-type]


def genre_list() -> list[Genre]:
    return _cached("genres", lambda: list(Genre.objects.filter(albums__status=Album.Status.PUBLISHED).distinct()))


@dataclass(frozen=True)
class GenrePage:
    genre: Genre
    popular: list[Track]
    albums: list[Album]


def genre_page(*, slug: str) -> GenrePage:
    """Genre.DoesNotExist for an unknown slug."""

    def build() -> GenrePage:
        genre = Genre.objects.get(slug=slug)
        # A track is of a genre when it says so itself, or when its album does.
        of_genre = _public_tracks().filter(Q(genres=genre) | Q(album__genres=genre)).distinct()
        popular = list(of_genre.order_by("-play_count", "id")[:20])
        albums = list(_newest_first(_published_albums().filter(genres=genre))[:24])
        return GenrePage(genre, popular, albums)

    return _cached(f"genre:{slug}", build)


def new_releases(*, limit: int = 48) -> list[Album]:
    return _cached(f"new:{limit}", lambda: list(_newest_first(_published_albums())[:limit]))


def chart(*, limit: int = 50) -> list[Track]:
    """The most played tracks of the whole catalog."""
    return _cached(f"chart:{limit}", lambda: list(_public_tracks().order_by("-play_count", "id")[:limit]))
