"""What a searchable row says about itself: the search document, and the catalog's kinds.

Each builder reads the rows of one kind in a few queries, whatever their
number, and answers with a document for every row that is there and visible.
An id with no document is one that disappeared or is hidden.

The kinds themselves are registered in :mod:`search.kinds`: the catalog's
here, the others by the app that owns their rows. The functions at the end
answer for any registered kind.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from catalog.access import albums_visible_to, tracks_visible_to
from catalog.models import Album, Artist, Lyrics, Track
from search.kinds import DocumentKind, kind_get, kind_register, kinds_registered
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
    # The published lyrics' lines, folded, one a line (tracks only).
    lyrics: str = ""

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
            "lyrics": self.lyrics,
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
    lyrics = _track_lyrics(ids)
    return [
        Document(
            kind="track",
            object_id=pk,
            name=title,
            subtitle=artist,
            context=" ".join([artist, *featured.get(pk, []), album]),
            genres=genres.get(pk, []) + album_genres.get(album_id, []),
            popularity=plays,
            lyrics=lyrics.get(pk, ""),
        )
        for pk, title, plays, album_id, artist, album in values
    ]


def lyrics_folded(lines: list[dict[str, Any]]) -> str:
    """Lyrics as search reads them: each line folded, one a line, so a phrase never runs across two."""
    return "\n".join(folded for line in lines if (folded := fold(str(line.get("text", "")))))


def _track_lyrics(ids: list[int]) -> dict[int, str]:
    published = Lyrics.objects.filter(track_id__in=ids, state=Lyrics.State.PUBLISHED)
    return {track_id: lyrics_folded(lines) for track_id, lines in published.values_list("track_id", "lines")}


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


def _related_to_albums(ids: list[int]) -> dict[str, list[int]]:
    """An album's entry is quoted by its tracks' and sums up in its artist's."""
    return {
        "track": list(Track.objects.filter(album_id__in=ids).values_list("pk", flat=True)),
        "artist": list(Album.objects.filter(pk__in=ids).values_list("artist_id", flat=True)),
    }


def _related_to_artists(ids: list[int]) -> dict[str, list[int]]:
    return {
        "album": list(Album.objects.filter(artist_id__in=ids).values_list("pk", flat=True)),
        "track": list(
            Track.objects.filter(Q(artist_id__in=ids) | Q(featured_artists__in=ids)).values_list("pk", flat=True)
        ),
    }


def _related_to_tracks(ids: list[int]) -> dict[str, list[int]]:
    return {"artist": list(Track.objects.filter(pk__in=ids).values_list("artist_id", flat=True))}


def _track_suggestion(track: Track) -> tuple[str, str]:
    return f"Track · {track.artist.name}", reverse("browse:album", args=[track.album_id]) if track.album_id else ""


def _album_suggestion(album: Album) -> tuple[str, str]:
    return f"Album · {album.artist.name}", reverse("browse:album", args=[album.pk])


def _artist_suggestion(artist: Artist) -> tuple[str, str]:
    return "Artist", reverse("browse:artist", args=[artist.slug])


def catalog_kinds_register() -> None:
    """Register the catalog's kinds (search sits above the catalog; playlists register their own)."""
    kind_register(
        DocumentKind(
            name="track",
            rows=_track_rows,
            documents=_track_documents,
            popularity=lambda rows: rows.values_list("pk", "play_count"),
            visible_to=lambda viewer: (
                tracks_visible_to(viewer)
                .select_related("artist", "album")
                .prefetch_related("featured_artists", "genres")
            ),
            suggestion=_track_suggestion,
            related=_related_to_tracks,
        )
    )
    kind_register(
        DocumentKind(
            name="album",
            rows=_album_rows,
            documents=_album_documents,
            popularity=lambda rows: rows.annotate(p=_album_plays()).values_list("pk", "p"),
            visible_to=lambda viewer: albums_visible_to(viewer).select_related("artist").prefetch_related("genres"),
            suggestion=_album_suggestion,
            related=_related_to_albums,
        )
    )
    kind_register(
        DocumentKind(
            name="artist",
            rows=_artist_rows,
            documents=_artist_documents,
            popularity=lambda rows: rows.annotate(p=_artist_plays()).values_list("pk", "p"),
            visible_to=lambda viewer: Artist.objects.all(),
            suggestion=_artist_suggestion,
            related=_related_to_artists,
        )
    )


def kinds_available() -> list[str]:
    """The kinds registered: the catalog's, and those of the apps installed above search."""
    return kinds_registered()


def documents_for(kind: str, ids: Iterable[int]) -> dict[int, Document]:
    """The documents of the rows among ``ids`` that exist and may be found."""
    return {doc.object_id: doc for doc in kind_get(kind).documents(list(ids))}


def documents_all(kind: str, *, chunk_size: int = 2000) -> Iterator[list[Document]]:
    """Every document of one kind, in chunks, in a few queries per chunk."""
    registered = kind_get(kind)
    ids = registered.rows().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    while chunk := list(islice(ids, chunk_size)):
        yield sorted(registered.documents(chunk), key=lambda doc: doc.object_id)


def documents_count(kind: str) -> int:
    return kind_get(kind).rows().count()


def related_for(kind: str, ids: list[int]) -> dict[str, list[int]]:
    """What else a change to these rows changes: an album's tracks and artist, an artist's albums and tracks."""
    return kind_get(kind).related(ids)


def popularity_all(kind: str) -> dict[int, int]:
    """The current popularity of every row of one kind that may be found, in one query."""
    registered = kind_get(kind)
    return dict(registered.popularity(registered.rows()))
