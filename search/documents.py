"""What a searchable row says about itself: the search document of each kind.

Each builder reads the rows of one kind in a few queries, whatever their
number, and answers with a document for every row that is there and visible.
An id with no document is one that disappeared or is hidden.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from catalog.models import Album, Artist, Genre, Track
from search.text import fold


@dataclass
class Document:
    kind: str
    object_id: int
    name: str
    subtitle: str = ""
    context: str = ""
    genres: list[str] = field(default_factory=list)
    popularity: int = 0
    public: bool = True
    owner_id: int | None = None

    @property
    def folded(self) -> str:
        return fold(self.name)[:300]

    def entry_fields(self) -> dict[str, Any]:
        genres = sorted(set(self.genres))
        return {
            "name": self.name[:300],
            "subtitle": self.subtitle[:300],
            "folded": self.folded,
            "context": fold(self.context),
            "genres": f" {' '.join(genres)} " if genres else "",
            "popularity": self.popularity,
            "public": self.public,
            "owner_id": self.owner_id,
            "visible": True,
        }


_PUBLISHED = Album.Status.PUBLISHED
_genre_slugs = Prefetch("genres", queryset=Genre.objects.only("slug"))


def _slugs(genres: Iterable[Genre]) -> list[str]:
    return [genre.slug for genre in genres]


def _tracks(ids: Iterable[int] | None) -> QuerySet[Track]:
    tracks = Track.objects.filter(status=Track.Status.READY, album__status=_PUBLISHED)
    if ids is not None:
        tracks = tracks.filter(pk__in=list(ids))
    return tracks.select_related("artist", "album").prefetch_related(
        _genre_slugs, Prefetch("album__genres", queryset=Genre.objects.only("slug")), "featured_artists"
    )


def _track_document(track: Track) -> Document:
    assert track.album is not None
    featured = [artist.name for artist in track.featured_artists.all()]
    return Document(
        kind="track",
        object_id=track.pk,
        name=track.title,
        subtitle=track.artist.name,
        context=" ".join([track.artist.name, *featured, track.album.title]),
        genres=_slugs(track.genres.all()) + _slugs(track.album.genres.all()),
        popularity=track.play_count,
    )


def _albums(ids: Iterable[int] | None) -> QuerySet[Album]:
    albums = Album.objects.filter(status=_PUBLISHED)
    if ids is not None:
        albums = albums.filter(pk__in=list(ids))
    plays = Coalesce(Sum("tracks__play_count", filter=Q(tracks__status=Track.Status.READY)), 0)
    return albums.select_related("artist").prefetch_related(_genre_slugs).annotate(plays=plays)


def _album_document(album: Album) -> Document:
    return Document(
        kind="album",
        object_id=album.pk,
        name=album.title,
        subtitle=album.artist.name,
        context=" ".join([album.artist.name, album.label]),
        genres=_slugs(album.genres.all()),
        popularity=album.plays,  # type: ignore[attr-defined]
    )


def _artists(ids: Iterable[int] | None) -> QuerySet[Artist]:
    """Artists with something published: the others have nothing to listen to yet."""
    artists = Artist.objects.filter(pk__in=Album.objects.filter(status=_PUBLISHED).values("artist_id"))
    if ids is not None:
        artists = artists.filter(pk__in=list(ids))
    plays = Coalesce(Sum("tracks__play_count", filter=Q(tracks__album__status=_PUBLISHED)), 0)
    published = Album.objects.filter(status=_PUBLISHED).prefetch_related(_genre_slugs)
    return artists.annotate(plays=plays).prefetch_related(Prefetch("albums", queryset=published))


def _artist_document(artist: Artist) -> Document:
    genres = [slug for album in artist.albums.all() for slug in _slugs(album.genres.all())]
    return Document(
        kind="artist",
        object_id=artist.pk,
        name=artist.name,
        genres=genres,
        popularity=artist.plays,  # type: ignore[attr-defined]
    )


def _playlists(ids: Iterable[int] | None) -> QuerySet[Any]:
    Playlist = apps.get_model("playlists", "Playlist")
    playlists = Playlist.objects.all()
    if ids is not None:
        playlists = playlists.filter(pk__in=list(ids))
    return playlists.select_related("owner")


def _playlist_document(playlist: Any) -> Document:
    owner = playlist.owner.public_name
    return Document(
        kind="playlist",
        object_id=playlist.pk,
        name=playlist.name,
        subtitle=owner,
        context=f"{owner} {playlist.description}",
        popularity=getattr(playlist, "follower_count", 0),
        public=playlist.visibility == "public",
        owner_id=playlist.owner_id,
    )


_BUILDERS: dict[str, tuple[Callable[[Iterable[int] | None], QuerySet[Any]], Callable[[Any], Document]]] = {
    "track": (_tracks, _track_document),
    "album": (_albums, _album_document),
    "artist": (_artists, _artist_document),
    "playlist": (_playlists, _playlist_document),
}


def kinds_available() -> list[str]:
    """The kinds whose models are installed (playlists may not be, in an older database)."""
    return [kind for kind in _BUILDERS if kind != "playlist" or (apps.is_installed("playlists") and _has_playlist())]


def _has_playlist() -> bool:
    try:
        apps.get_model("playlists", "Playlist")
    except LookupError:
        return False
    return True


def documents_for(kind: str, ids: Iterable[int]) -> dict[int, Document]:
    """The documents of the rows among ``ids`` that exist and may be found."""
    rows, build = _BUILDERS[kind]
    return {row.pk: build(row) for row in rows(ids)}


def documents_all(kind: str, *, chunk_size: int = 2000) -> Iterator[list[Document]]:
    """Every document of one kind, in chunks, in a few queries per chunk."""
    rows, build = _BUILDERS[kind]
    ids = rows(None).order_by("pk").values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    while chunk := list(islice(ids, chunk_size)):
        yield [build(row) for row in rows(chunk).order_by("pk")]


def documents_count(kind: str) -> int:
    rows, _ = _BUILDERS[kind]
    return rows(None).count()


def related_for(kind: str, ids: list[int]) -> dict[str, list[int]]:
    """What else a change to these rows changes: an album's tracks and artist, an artist's albums and tracks."""
    if kind == "album":
        return {
            "track": list(Track.objects.filter(album_id__in=ids).values_list("pk", flat=True)),
            "artist": list(Album.objects.filter(pk__in=ids).values_list("artist_id", flat=True)),
        }
    if kind == "artist":
        return {
            "album": list(Album.objects.filter(artist_id__in=ids).values_list("pk", flat=True)),
            "track": list(
                Track.objects.filter(Q(artist_id__in=ids) | Q(featured_artists__in=ids)).values_list("pk", flat=True)
            ),
        }
    if kind == "track":
        return {"artist": list(Track.objects.filter(pk__in=ids).values_list("artist_id", flat=True))}
    return {}


_POPULARITY = {"track": "play_count", "album": "plays", "artist": "plays", "playlist": "follower_count"}


def popularity_all(kind: str) -> dict[int, int]:
    """The current popularity of every visible row of one kind, in one query."""
    rows, _ = _BUILDERS[kind]
    return dict(rows(None).values_list("pk", _POPULARITY[kind]))
