"""Audio, pictures and words: stream, download, getCoverArt, getLyricsBySongId, getLyrics.

``stream`` and ``download`` answer a 302 redirect to the signed URL of the
nearest edge, as the web player's grant does: the audio never passes through
this process, and the edge honours Range. The grant's play receipt is kept
server-side, keyed by listener and track, for the scrobble that follows.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils import timezone

from catalog.artwork import ARTWORK_SIZES, artwork_url
from catalog.models import Lyrics, Track
from streaming.edges import local_edge_base, viewer_country
from streaming.gates import GrantRefusedError
from streaming.selectors import TrackNotReadyError
from streaming.services.grants import stream_grant_issue
from subsonic import selectors
from subsonic.envelope import Body, SubsonicError
from subsonic.ids import ALBUM, ARTIST, PLAYLIST, TRACK, id_of_kind, id_parse
from subsonic.registry import Call, method

NOW_PLAYING_SECONDS = 15 * 60


def receipt_key(user_id: int, track_id: int) -> str:
    return f"subsonic:receipt:{user_id}:{track_id}"


def now_playing_key(user_id: int) -> str:
    return f"subsonic:now-playing:{user_id}"


def now_playing_set(call: Call, track_id: int) -> None:
    cache.set(
        now_playing_key(call.user.pk),
        {"track_id": track_id, "at": timezone.now().timestamp(), "client": call.client[:100]},
        NOW_PLAYING_SECONDS,
    )


def _grant(call: Call, *, max_bitrate: int | None) -> HttpResponseRedirect:
    track_id = id_of_kind(call.params.required("id"), TRACK)
    if not selectors.tracks_published().filter(pk=track_id).exists():
        raise SubsonicError(SubsonicError.NOT_FOUND, "Song not found.")
    profile = call.user.profile
    country = viewer_country(call.request) or str(profile.country or "").upper()
    local_base = "" if settings.EDGE_URLS else local_edge_base(call.request)
    try:
        grant = stream_grant_issue(
            track_id=track_id, user=call.user, country=country, local_base=local_base, max_bitrate=max_bitrate
        )
    except (Track.DoesNotExist, TrackNotReadyError):
        raise SubsonicError(SubsonicError.NOT_FOUND, "Song not found.") from None
    except GrantRefusedError as refusal:
        # The free plan's ad break (docs/ads.md): Subsonic apps cannot play one, so the
        # stream is refused until the listener has heard it on the website or the app.
        raise SubsonicError(SubsonicError.NOT_AUTHORIZED, refusal.message) from None
    cache.set(
        receipt_key(call.user.pk, track_id), grant.play_token, settings.STREAM_URL_TTL + grant.duration_ms // 1000
    )
    now_playing_set(call, track_id)
    return HttpResponseRedirect(grant.url)


@method("stream")
def stream(call: Call) -> HttpResponseRedirect:
    return _grant(call, max_bitrate=call.params.integer("maxBitRate", 0, low=0) or None)


@method("download")
def download(call: Call) -> HttpResponseRedirect:
    # Originals stay private: a download is the best rendition the listener's plan allows.
    return _grant(call, max_bitrate=call.user.profile.bitrate_cap)


def _artwork_name(call: Call, value: str) -> str:
    kind, pk = id_parse(value)
    if kind == ALBUM:
        album = selectors.albums_published().filter(pk=pk).first()
        return album.artwork.name if album is not None else ""
    if kind == TRACK:
        track = selectors.tracks_published().filter(pk=pk).first()
        return track.album.artwork.name if track is not None and track.album is not None else ""
    if kind == ARTIST:
        artist = selectors.artists_published().filter(pk=pk).first()
        return artist.image.name if artist is not None else ""
    assert kind == PLAYLIST
    playlist = selectors.playlist_visible(user=call.user, playlist_id=pk)
    return playlist.artwork_name if playlist is not None else ""


@method("getCoverArt")
def get_cover_art(call: Call) -> HttpResponseRedirect:
    name = _artwork_name(call, call.params.required("id"))
    if not name:
        raise SubsonicError(SubsonicError.NOT_FOUND, "No cover art for this item.")
    wanted = call.params.integer("size", ARTWORK_SIZES[-1], low=1) or ARTWORK_SIZES[-1]
    size = next((size for size in ARTWORK_SIZES if size >= wanted), ARTWORK_SIZES[-1])
    return HttpResponseRedirect(call.request.build_absolute_uri(artwork_url(name, size)))


def _structured(lyrics: Lyrics) -> Body:
    """OpenSubsonic's structuredLyrics: a start (ms) on each line when synced, none otherwise."""
    track = lyrics.track
    return {
        "lang": lyrics.language or "und",
        "synced": lyrics.synced,
        "displayArtist": track.artist.name,
        "displayTitle": track.title,
        "offset": 0,
        "line": [
            {"start": line["start_ms"], "value": line["text"]} if lyrics.synced else {"value": line["text"]}
            for line in lyrics.lines
        ],
    }


@method("getLyricsBySongId")
def get_lyrics_by_song_id(call: Call) -> Body:
    """The song's published lyrics (OpenSubsonic songLyrics), an empty list when it has none."""
    track_id = id_of_kind(call.params.required("id"), TRACK)
    if not selectors.tracks_published().filter(pk=track_id).exists():
        raise SubsonicError(SubsonicError.NOT_FOUND, "Song not found.")
    found = selectors.lyrics_published(track_id=track_id)
    return {"lyricsList": {"structuredLyrics": [_structured(found)] if found is not None else []}}


@method("getLyrics")
def get_lyrics(call: Call) -> Body:
    """The plain text of a song's published lyrics, found by artist and title; an empty element when none."""
    artist, title = (call.params.get("artist") or "").strip(), (call.params.get("title") or "").strip()
    found = selectors.lyrics_by_name(artist=artist, title=title) if artist or title else None
    if found is None:
        return {"lyrics": {}}
    text = "\n".join(line["text"] for line in found.lines)
    return {"lyrics": {"artist": found.track.artist.name, "title": found.track.title, "value": text}}
