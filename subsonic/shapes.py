"""Rows as the Subsonic documentation names them: Child (a song), AlbumID3, ArtistID3, Playlist."""

import datetime as dt
from typing import Any

from catalog.models import Album, Artist, Track
from playlists.models import Playlist
from subsonic.ids import ALBUM, ARTIST, PLAYLIST, TRACK, id_of
from subsonic.selectors import Library

Body = dict[str, Any]

CONTENT_TYPE = "audio/mp4"
SUFFIX = "m4a"


def iso(moment: dt.datetime | None) -> str | None:
    return (
        None if moment is None else moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _seconds(ms: int | None) -> int:
    return 0 if ms is None else round(ms / 1000)


def _year(album: Album | None, track: Track | None = None) -> int | None:
    if track is not None and track.year:
        return track.year
    return album.release_date.year if album is not None and album.release_date else None


def _genres(row: Album | Track) -> list[str]:
    return [genre.name for genre in row.genres.all()]


def song(track: Track, library: Library) -> Body:
    album = track.album
    genres = _genres(track) or (_genres(album) if album is not None else [])
    media = getattr(track, "media", None)
    bitrate = max(media.bitrates) if media is not None and media.bitrates else None
    rating = library.ratings.get(id_of(TRACK, track.pk) or "")
    return {
        "id": id_of(TRACK, track.pk),
        "parent": id_of(ALBUM, track.album_id),
        "isDir": False,
        "title": track.title,
        "album": album.title if album is not None else None,
        "artist": track.artist.name,
        "track": track.track_number,
        "year": _year(album, track),
        "genre": genres[0] if genres else None,
        "coverArt": id_of(ALBUM, track.album_id) if album is not None and album.artwork else None,
        "contentType": CONTENT_TYPE,
        "suffix": SUFFIX,
        "duration": _seconds(track.duration_ms),
        "bitRate": bitrate,
        "playCount": track.play_count,
        "discNumber": track.disc_number,
        "created": iso(track.created_at),
        "starred": iso(library.liked.get(track.pk)),
        "userRating": rating,
        "albumId": id_of(ALBUM, track.album_id),
        "artistId": id_of(ARTIST, track.artist_id),
        "type": "music",
        "mediaType": "song",
        "isVideo": False,
        "explicitStatus": "explicit" if track.explicit else "",
        "isrc": [track.isrc] if track.isrc else [],
        "genres": [{"name": name} for name in genres],
        "artists": [{"id": id_of(ARTIST, track.artist_id), "name": track.artist.name}],
        "displayArtist": track.artist.name,
        "replayGain": None
        if media is None
        else {
            "trackGain": round(-18.0 - media.loudness_lufs, 2),
            "trackPeak": round(10 ** (media.true_peak_dbtp / 20), 4),
        },
    }


def album(row: Album, library: Library, *, songs: list[Body] | None = None) -> Body:
    genres = _genres(row)
    body: Body = {
        "id": id_of(ALBUM, row.pk),
        "name": row.title,
        "artist": row.artist.name,
        "artistId": id_of(ARTIST, row.artist_id),
        "coverArt": id_of(ALBUM, row.pk) if row.artwork else None,
        "songCount": getattr(row, "song_count", 0) or 0,
        "duration": _seconds(getattr(row, "duration_total_ms", 0)),
        "playCount": getattr(row, "plays", 0) or 0,
        "created": iso(row.published_at or row.created_at),
        "starred": iso(library.saved.get(row.pk)),
        "year": _year(row),
        "genre": genres[0] if genres else None,
        "userRating": library.ratings.get(id_of(ALBUM, row.pk) or ""),
        "genres": [{"name": name} for name in genres],
        "artists": [{"id": id_of(ARTIST, row.artist_id), "name": row.artist.name}],
        "displayArtist": row.artist.name,
        "releaseTypes": [row.get_album_type_display()],
        "isCompilation": row.album_type == Album.Type.COMPILATION,
        "recordLabels": [{"name": row.label}] if row.label else [],
    }
    if songs is not None:
        body["song"] = songs
    return body


def artist(row: Artist, library: Library, *, albums: list[Body] | None = None) -> Body:
    body: Body = {
        "id": id_of(ARTIST, row.pk),
        "name": row.name,
        "coverArt": id_of(ARTIST, row.pk) if row.image else None,
        "albumCount": getattr(row, "album_count", None),
        "starred": iso(library.followed.get(row.pk)),
    }
    if albums is not None:
        body["album"] = albums
    return body


def playlist(row: Playlist, *, duration_ms: int = 0, entries: list[Body] | None = None) -> Body:
    body: Body = {
        "id": id_of(PLAYLIST, row.pk),
        "name": row.name,
        "comment": row.description or None,
        "owner": row.owner.username,
        "public": row.visibility == Playlist.Visibility.PUBLIC,
        "songCount": row.item_count,
        "duration": _seconds(duration_ms),
        "created": iso(row.created_at),
        "changed": iso(row.updated_at),
        "coverArt": id_of(PLAYLIST, row.pk) if row.artwork_name else None,
        "readonly": False,
    }
    if entries is not None:
        body["entry"] = entries
    return body
