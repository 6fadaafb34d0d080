"""What a searchable row says about itself: the search document of each kind.

Each builder reads the rows of one kind in a few queries, whatever their
number, and answers with a document for every row that is there and visible.
An id with no document is one that disappeared or is hidden.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from catalog.models import Album, Artist, Track
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

# Builders read plain values, not model instances: a rebuild writes hundreds of
# thousands of documents, and building models and their related managers for
# each one costs five times more than the queries themselves.


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _album_genres(album_ids: Iterable[int]) -> dict[int, list[str]]:
    through = Album.genres.through.objects.filter(album_id__in=list(album_ids))
    return _grouped(through.values_list("album_id", "genre__slug"))


def _track_rows() -> QuerySet[Track]:
    return Track.objects.filter(status=Track.Status.READY, album__status=_PUBLISHED)


def _track_documents(ids: list[int]) -> list[Document]:
    rows = _track_rows().filter(pk__in=ids)
    values = list(rows.values_list("pk", "title", "play_count", "album_id", "artist__name", "album__title"))
    genres = _grouped(Track.genres.through.objects.filter(track_id__in=ids).values_list("track_id", "genre__slug"))
    featured = _grouped(
        Track.featured_artists.through.objects.filter(track_id__in=ids).values_list("track_id", "artist__name")
    )
    album_genres = _album_genres({row[3] for row in values})
    return [
        Document(
            kind="track",
            object_id=pk,
            name=title,
            subtitle=artist,
            context=" ".join([artist, *featured.get(pk, []), album]),
            genres=genres.get(pk, []) + album_genres.get(album_id, []),
            popularity=plays,
        )
        for pk, title, plays, album_id, artist, album in values
    ]


def _album_rows() -> QuerySet[Album]:
    return Album.objects.filter(status=_PUBLISHED)


def _album_plays() -> Coalesce:
    return Coalesce(Sum("tracks__play_count", filter=Q(tracks__status=Track.Status.READY)), 0)


def _album_documents(ids: list[int]) -> list[Document]:
    rows = _album_rows().filter(pk__in=ids).annotate(plays=_album_plays())
    values = list(rows.values_list("pk", "title", "label", "artist__name", "plays"))
    genres = _album_genres(ids)
    return [
        Document(
            kind="album",
            object_id=pk,
            name=title,
            subtitle=artist,
            context=f"{artist} {label}",
            genres=genres.get(pk, []),
            popularity=plays,
        )
        for pk, title, label, artist, plays in values
    ]


def _artist_rows() -> QuerySet[Artist]:
    """Artists with something published: the others have nothing to listen to yet."""
    return Artist.objects.filter(pk__in=_album_rows().values("artist_id"))


def _artist_plays() -> Coalesce:
    return Coalesce(Sum("tracks__play_count", filter=Q(tracks__album__status=_PUBLISHED)), 0)


def _artist_documents(ids: list[int]) -> list[Document]:
    values = list(_artist_rows().filter(pk__in=ids).annotate(plays=_artist_plays()).values_list("pk", "name", "plays"))
    published = Album.genres.through.objects.filter(album__status=_PUBLISHED, album__artist_id__in=ids)
    genres = _grouped(published.values_list("album__artist_id", "genre__slug"))
    return [
        Document(kind="artist", object_id=pk, name=name, genres=genres.get(pk, []), popularity=plays)
        for pk, name, plays in values
    ]


def _playlist_rows() -> QuerySet[Any]:
    return apps.get_model("playlists", "Playlist").objects.all()


def _playlist_documents(ids: list[int]) -> list[Document]:
    fields = (
        "pk",
        "name",
        "description",
        "visibility",
        "follower_count",
        "owner_id",
        "owner__username",
        "owner__display_name",
    )
    documents = []
    for pk, name, description, visibility, followers, owner_id, username, display_name in (
        _playlist_rows().filter(pk__in=ids).values_list(*fields)
    ):
        owner = display_name or username
        documents.append(
            Document(
                kind="playlist",
                object_id=pk,
                name=name,
                subtitle=owner,
                context=f"{owner} {description}",
                popularity=followers,
                public=visibility == "public",
                owner_id=owner_id,
            )
        )
    return documents


@dataclass(frozen=True)
class _Kind:
    rows: Callable[[], QuerySet[Any]]  # every row that may be found
    documents: Callable[[list[int]], list[Document]]
    popularity: Callable[[QuerySet[Any]], QuerySet[Any]]  # (pk, popularity) pairs


_KINDS: dict[str, _Kind] = {
    "track": _Kind(_track_rows, _track_documents, lambda rows: rows.values_list("pk", "play_count")),
    "album": _Kind(_album_rows, _album_documents, lambda rows: rows.annotate(p=_album_plays()).values_list("pk", "p")),
    "artist": _Kind(
        _artist_rows, _artist_documents, lambda rows: rows.annotate(p=_artist_plays()).values_list("pk", "p")
    ),
    "playlist": _Kind(_playlist_rows, _playlist_documents, lambda rows: rows.values_list("pk", "follower_count")),
}


def kinds_available() -> list[str]:
    """The kinds whose models are installed (playlists may not be, in an older database)."""
    return [kind for kind in _KINDS if kind != "playlist" or (apps.is_installed("playlists") and _has_playlist())]


def _has_playlist() -> bool:
    try:
        apps.get_model("playlists", "Playlist")
    except LookupError:
        return False
    return True


def documents_for(kind: str, ids: Iterable[int]) -> dict[int, Document]:
    """The documents of the rows among ``ids`` that exist and may be found."""
    return {doc.object_id: doc for doc in _KINDS[kind].documents(list(ids))}


def documents_all(kind: str, *, chunk_size: int = 2000) -> Iterator[list[Document]]:
    """Every document of one kind, in chunks, in a few queries per chunk."""
    ids = _KINDS[kind].rows().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    while chunk := list(islice(ids, chunk_size)):
        yield sorted(_KINDS[kind].documents(chunk), key=lambda doc: doc.object_id)


def documents_count(kind: str) -> int:
    return _KINDS[kind].rows().count()


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


def popularity_all(kind: str) -> dict[int, int]:
    """The current popularity of every row of one kind that may be found, in one query."""
    return dict(_KINDS[kind].popularity(_KINDS[kind].rows()))
