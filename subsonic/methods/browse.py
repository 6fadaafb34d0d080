"""Browsing the collection: artists, albums, songs, genres, lists, search, similar music."""

from itertools import groupby
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.artwork import artwork_url
from catalog.models import Album, Track
from recommendations.selectors import recommendations_from_seeds, related_artists
from search.selectors import search_results
from subsonic import selectors, shapes
from subsonic.envelope import Body, SubsonicError, text_of
from subsonic.ids import ALBUM, ARTIST, TRACK, id_of_kind, id_parse
from subsonic.registry import Call, method
from subsonic.selectors import Library

IGNORED_ARTICLES = "The El La Los Las Le Les"
LIST_MAX = 500


def _index_letter(name: str) -> str:
    words = name.split(maxsplit=1)
    if len(words) == 2 and words[0] in IGNORED_ARTICLES.split():
        name = words[1]
    first = name[:1].upper()
    return first if first.isalpha() else "#"


def _sort_name(name: str) -> str:
    words = name.split(maxsplit=1)
    return (words[1] if len(words) == 2 and words[0] in IGNORED_ARTICLES.split() else name).lower()


def _indexed(call: Call) -> list[Body]:
    library = Library(call.user)
    artists = sorted(selectors.artists_published(), key=lambda row: _sort_name(row.name))
    return [
        {"name": letter, "artist": [shapes.artist(row, library) for row in rows]}
        for letter, rows in groupby(artists, key=lambda row: _index_letter(row.name))
    ]


@method("getArtists")
def get_artists(call: Call) -> Body:
    return {"artists": {"ignoredArticles": IGNORED_ARTICLES, "index": _indexed(call)}}


@method("getIndexes")
def get_indexes(call: Call) -> Body:
    index = [
        {
            "name": group["name"],
            "artist": [{"id": a["id"], "name": a["name"], "starred": a["starred"]} for a in group["artist"]],
        }
        for group in _indexed(call)
    ]
    return {
        "indexes": {
            "lastModified": int(timezone.now().timestamp() * 1000),
            "ignoredArticles": IGNORED_ARTICLES,
            "index": index,
        }
    }


def _album(call: Call, album_id: int) -> Album:
    album = selectors.albums_published().filter(pk=album_id).first()
    if album is None:
        raise SubsonicError(SubsonicError.NOT_FOUND, "Album not found.")
    return album


@method("getArtist")
def get_artist(call: Call) -> Body:
    artist_id = id_of_kind(call.params.required("id"), ARTIST)
    artist = selectors.artists_published().filter(pk=artist_id).first()
    if artist is None:
        raise SubsonicError(SubsonicError.NOT_FOUND, "Artist not found.")
    library = Library(call.user)
    albums = selectors.albums_published().filter(artist_id=artist_id).order_by("-release_date", "-id")
    return {"artist": shapes.artist(artist, library, albums=[shapes.album(row, library) for row in albums])}


@method("getArtistInfo2")
def get_artist_info2(call: Call) -> Body:
    artist_id = id_of_kind(call.params.required("id"), ARTIST)
    artist = selectors.artists_published().filter(pk=artist_id).first()
    if artist is None:
        raise SubsonicError(SubsonicError.NOT_FOUND, "Artist not found.")
    count = call.params.integer("count", 20, low=0, high=100) or 0
    related = [row.pk for row in related_artists(artist_id=artist_id, limit=count)]
    similar = selectors.artists_published().in_bulk(related)
    library = Library(call.user)
    image = artist.image.name
    return {
        "artistInfo2": {
            "biography": text_of(artist.bio or None),
            "smallImageUrl": text_of(_absolute(call, artwork_url(image, 64))),
            "mediumImageUrl": text_of(_absolute(call, artwork_url(image, 300))),
            "largeImageUrl": text_of(_absolute(call, artwork_url(image, 640))),
            "similarArtist": [shapes.artist(similar[pk], library) for pk in related if pk in similar],
        }
    }


def _absolute(call: Call, url: str) -> str | None:
    return call.request.build_absolute_uri(url) if url else None


@method("getAlbum")
def get_album(call: Call) -> Body:
    album = _album(call, id_of_kind(call.params.required("id"), ALBUM))
    library = Library(call.user)
    songs = [shapes.song(track, library) for track in selectors.tracks_published().filter(album_id=album.pk)]
    return {"album": shapes.album(album, library, songs=songs)}


@method("getAlbumInfo2")
def get_album_info2(call: Call) -> Body:
    album = _album(call, id_of_kind(call.params.required("id"), ALBUM))
    art = album.artwork.name
    return {
        "albumInfo": {
            "notes": text_of(album.label or None),
            "smallImageUrl": text_of(_absolute(call, artwork_url(art, 64))),
            "mediumImageUrl": text_of(_absolute(call, artwork_url(art, 300))),
            "largeImageUrl": text_of(_absolute(call, artwork_url(art, 640))),
        }
    }


@method("getSong")
def get_song(call: Call) -> Body:
    track = selectors.tracks_published().filter(pk=id_of_kind(call.params.required("id"), TRACK)).first()
    if track is None:
        raise SubsonicError(SubsonicError.NOT_FOUND, "Song not found.")
    return {"song": shapes.song(track, Library(call.user))}


@method("getGenres")
def get_genres(call: Call) -> Body:
    genres = [
        {"songCount": row.song_count, "albumCount": row.album_count, "value": row.name}  # type: ignore[attr-defined]
        for row in selectors.genres_counted()
    ]
    return {"genres": {"genre": genres}}


def _page(call: Call, rows: QuerySet[Any], *, size: str = "size", default: int = 10) -> list[Any]:
    count = call.params.integer(size, default, low=0, high=LIST_MAX) or 0
    offset = call.params.integer("offset", 0, low=0) or 0
    return list(rows[offset : offset + count])


def _albums_of_type(call: Call, kind: str) -> QuerySet[Album]:
    albums = selectors.albums_published()
    if kind == "random":
        return albums.order_by("?")
    if kind == "newest":
        return albums.order_by(F("published_at").desc(nulls_last=True), "-id")
    if kind == "frequent":
        return albums.order_by(F("plays").desc(nulls_last=True), "-id")
    if kind == "recent":
        return selectors.albums_recently_played(user=call.user).order_by("-last_played", "-id")
    if kind == "starred":
        return albums.filter(pk__in=list(Library(call.user).saved)).order_by("title", "id")
    if kind == "highest":
        return selectors.albums_by_rating(user=call.user)
    if kind == "alphabeticalByName":
        return albums.order_by("title", "id")
    if kind == "alphabeticalByArtist":
        return albums.order_by("artist__name", "title", "id")
    if kind == "byYear":
        low = call.params.integer("fromYear", low=0)
        high = call.params.integer("toYear", low=0)
        if low is None or high is None:
            raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: fromYear and toYear.")
        if low <= high:
            return albums.filter(release_date__year__gte=low, release_date__year__lte=high).order_by(
                "release_date", "id"
            )
        return albums.filter(release_date__year__gte=high, release_date__year__lte=low).order_by("-release_date", "-id")
    if kind == "byGenre":
        genre = call.params.required("genre")
        return albums.filter(genres__name__iexact=genre).order_by("title", "id")
    raise SubsonicError(SubsonicError.GENERIC, f"Unknown list type: {kind!r}.")


@method("getAlbumList2")
def get_album_list2(call: Call) -> Body:
    kind = call.params.required("type")
    rows = _page(call, _albums_of_type(call, kind))
    library = Library(call.user)
    return {"albumList2": {"album": [shapes.album(row, library) for row in rows]}}


def _songs(call: Call, tracks: list[Track]) -> list[Body]:
    library = Library(call.user)
    return [shapes.song(track, library) for track in tracks]


@method("getRandomSongs")
def get_random_songs(call: Call) -> Body:
    tracks = selectors.tracks_published()
    if genre := call.params.get("genre"):
        tracks = tracks.filter(genres__name__iexact=genre)
    if (low := call.params.integer("fromYear")) is not None:
        tracks = tracks.filter(album__release_date__year__gte=low)
    if (high := call.params.integer("toYear")) is not None:
        tracks = tracks.filter(album__release_date__year__lte=high)
    return {"randomSongs": {"song": _songs(call, _page(call, tracks.order_by("?")))}}


@method("getSongsByGenre")
def get_songs_by_genre(call: Call) -> Body:
    genre = call.params.required("genre")
    tracks = selectors.tracks_published().filter(genres__name__iexact=genre)
    return {"songsByGenre": {"song": _songs(call, _page(call, tracks, size="count"))}}


@method("getTopSongs")
def get_top_songs(call: Call) -> Body:
    name = call.params.required("artist")
    tracks = selectors.tracks_published().filter(artist__name__iexact=name).order_by("-play_count", "id")
    return {"topSongs": {"song": _songs(call, _page(call, tracks, size="count", default=50))}}


@method("getSimilarSongs2")
def get_similar_songs2(call: Call) -> Body:
    kind, pk = id_parse(call.params.required("id"))
    count = call.params.integer("count", 50, low=0, high=LIST_MAX) or 0
    seeds_tracks: list[int] = []
    seeds_artists: list[int] = []
    if kind == TRACK:
        seeds_tracks = [pk]
    elif kind == ARTIST:
        seeds_artists = [pk]
    elif kind == ALBUM:
        seeds_tracks = list(selectors.tracks_published().filter(album_id=pk).values_list("pk", flat=True)[:5])
    _, found = recommendations_from_seeds(
        tracks=seeds_tracks, artists=seeds_artists, genres=[], viewer=call.user, limit=count
    )
    ids = [track.pk for track in found]
    rows = selectors.tracks_published().in_bulk(ids)
    return {"similarSongs2": {"song": _songs(call, [rows[i] for i in ids if i in rows])}}


def _search_all(call: Call) -> Body:
    library = Library(call.user)
    artists = _page(call, selectors.artists_published(), size="artistCount", default=20)
    albums = selectors.albums_published().order_by("title", "id")
    tracks = selectors.tracks_published().order_by("title", "id")
    offset = call.params
    album_rows = list(
        albums[offset.integer("albumOffset", 0) or 0 :][: offset.integer("albumCount", 20, high=LIST_MAX) or 0]
    )
    song_rows = list(
        tracks[offset.integer("songOffset", 0) or 0 :][: offset.integer("songCount", 20, high=LIST_MAX) or 0]
    )
    return {
        "searchResult3": {
            "artist": [shapes.artist(row, library) for row in artists],
            "album": [shapes.album(row, library) for row in album_rows],
            "song": [shapes.song(row, library) for row in song_rows],
        }
    }


@method("search3")
def search3(call: Call) -> Body:
    text = (call.params.get("query") or "").strip().strip('"')
    if not text:  # apps that keep their own copy of the library ask for everything, page by page
        return _search_all(call)
    library = Library(call.user)
    body: Body = {}
    for kind, element, shape_of, rows_of in (
        ("artist", "artist", shapes.artist, selectors.artists_published),
        ("album", "album", shapes.album, selectors.albums_published),
        ("track", "song", shapes.song, selectors.tracks_published),
    ):
        count = call.params.integer(f"{element}Count", 20, low=0, high=LIST_MAX) or 0
        offset = call.params.integer(f"{element}Offset", 0, low=0) or 0
        if count == 0:
            body[element] = []
            continue
        page = search_results(text=text, viewer=call.user, kinds=(kind,), limit=count, offset=offset)[kind]
        ids = [row.pk for row in page.items]
        found: dict[int, Any] = rows_of().in_bulk(ids)
        body[element] = [shape_of(found[pk], library) for pk in ids if pk in found]
    return {"searchResult3": body}
