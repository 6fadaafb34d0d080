"""The listener's own: playlists, stars, ratings and scrobbles."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from playlists.models import Playlist
from playlists.selectors import playlist_detail, playlist_items
from playlists.services.items import playlist_items_add, playlist_items_remove
from playlists.services.library import (
    albums_save,
    albums_unsave,
    artists_follow,
    artists_unfollow,
    tracks_like,
    tracks_unlike,
)
from playlists.services.playlists import playlist_create, playlist_delete, playlist_update
from streaming import receipts
from streaming.services.plays import PlayRefusedError, play_report_accept
from subsonic import selectors, shapes
from subsonic.envelope import Body, SubsonicError
from subsonic.ids import ALBUM, ARTIST, PLAYLIST, TRACK, id_of_kind, id_parse
from subsonic.methods.media import now_playing_set, receipt_key
from subsonic.registry import Call, method
from subsonic.selectors import Library
from subsonic.services import rating_set

# Playlists


def _durations(playlists: list[Playlist]) -> dict[int, int]:
    rows = (
        Playlist.objects.filter(pk__in=[p.pk for p in playlists])
        .annotate(total=Sum("items__track__duration_ms"))
        .values_list("pk", "total")
    )
    return {pk: total or 0 for pk, total in rows}


@method("getPlaylists")
def get_playlists(call: Call) -> Body:
    username = call.params.get("username")
    if username is not None and username.lower() != call.user.username.lower():
        raise SubsonicError(SubsonicError.NOT_AUTHORIZED, "You may only list your own playlists.")
    rows = list(selectors.playlists_listed(user=call.user)[:500])
    durations = _durations(rows)
    return {"playlists": {"playlist": [shapes.playlist(row, duration_ms=durations[row.pk]) for row in rows]}}


def _playlist(call: Call, value: str) -> Playlist:
    try:
        return playlist_detail(playlist_id=id_of_kind(value, PLAYLIST), viewer=call.user)
    except Playlist.DoesNotExist:
        raise SubsonicError(SubsonicError.NOT_FOUND, "Playlist not found.") from None


def _playlist_body(call: Call, playlist: Playlist) -> Body:
    items = list(playlist_items(playlist=playlist))
    tracks = selectors.tracks_published().in_bulk([item.track_id for item in items if item.track_id])
    library = Library(call.user)
    entries = [shapes.song(tracks[item.track_id], library) for item in items if item.track_id in tracks]
    duration = sum(tracks[item.track_id].duration_ms or 0 for item in items if item.track_id in tracks)
    return shapes.playlist(playlist, duration_ms=duration, entries=entries)


@method("getPlaylist")
def get_playlist(call: Call) -> Body:
    return {"playlist": _playlist_body(call, _playlist(call, call.params.required("id")))}


def _track_ids(values: list[str]) -> list[int]:
    return [id_of_kind(value, TRACK) for value in values]


@method("createPlaylist")
def create_playlist(call: Call) -> Body:
    songs = _track_ids(call.params.list("songId"))
    if (existing := call.params.get("playlistId")) is not None:
        playlist = _playlist(call, existing)
        current = [item.track_id for item in playlist_items(playlist=playlist) if item.track_id]
        if current:
            playlist = playlist_items_remove(playlist=playlist, by=call.user, track_ids=current)
        if name := call.params.get("name"):
            playlist = playlist_update(playlist=playlist, by=call.user, name=name)
    else:
        playlist = playlist_create(
            owner=call.user, name=call.params.required("name"), visibility=Playlist.Visibility.PRIVATE
        )
    if songs:
        playlist_items_add(playlist=playlist, by=call.user, track_ids=songs)
    return {"playlist": _playlist_body(call, _playlist(call, f"{PLAYLIST}-{playlist.pk}"))}


@method("updatePlaylist")
def update_playlist(call: Call) -> Body:
    playlist = _playlist(call, call.params.required("playlistId"))
    changes: dict[str, str] = {}
    if (name := call.params.get("name")) is not None:
        changes["name"] = name
    if (comment := call.params.get("comment")) is not None:
        changes["description"] = comment
    if call.params.get("public") is not None:
        public = call.params.boolean("public")
        changes["visibility"] = Playlist.Visibility.PUBLIC if public else Playlist.Visibility.PRIVATE
    if changes:
        playlist = playlist_update(playlist=playlist, by=call.user, **changes)
    indexes = {int(value) for value in call.params.list("songIndexToRemove") if value.isdigit()}
    if indexes:
        items = list(playlist_items(playlist=playlist).values_list("pk", flat=True))
        doomed = [pk for index, pk in enumerate(items) if index in indexes]
        if doomed:
            playlist = playlist_items_remove(playlist=playlist, by=call.user, item_ids=doomed)
    if songs := _track_ids(call.params.list("songIdToAdd")):
        playlist_items_add(playlist=playlist, by=call.user, track_ids=songs)
    return {}


@method("deletePlaylist")
def delete_playlist(call: Call) -> Body:
    playlist_delete(playlist=_playlist(call, call.params.required("id")), by=call.user)
    return {}


# Stars and ratings


def _starrable(call: Call) -> dict[str, list[int]]:
    wanted: dict[str, list[int]] = {TRACK: [], ALBUM: [], ARTIST: []}
    for name, kind in (("id", None), ("albumId", ALBUM), ("artistId", ARTIST)):
        for value in call.params.list(name):
            found, pk = id_parse(value)
            if (kind is not None and found != kind) or found == PLAYLIST:
                raise SubsonicError(SubsonicError.NOT_FOUND, f"No such item: {value!r}.")
            wanted[found].append(pk)
    if not any(wanted.values()):
        raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: id, albumId or artistId.")
    return wanted


@method("star")
def star(call: Call) -> Body:
    wanted = _starrable(call)
    if wanted[TRACK]:
        tracks_like(user=call.user, track_ids=wanted[TRACK])
    if wanted[ALBUM]:
        albums_save(user=call.user, album_ids=wanted[ALBUM])
    if wanted[ARTIST]:
        artists_follow(user=call.user, artist_ids=wanted[ARTIST])
    return {}


@method("unstar")
def unstar(call: Call) -> Body:
    wanted = _starrable(call)
    if wanted[TRACK]:
        tracks_unlike(user=call.user, track_ids=wanted[TRACK])
    if wanted[ALBUM]:
        albums_unsave(user=call.user, album_ids=wanted[ALBUM])
    if wanted[ARTIST]:
        artists_unfollow(user=call.user, artist_ids=wanted[ARTIST])
    return {}


@method("getStarred2")
def get_starred2(call: Call) -> Body:
    library = Library(call.user)
    artists = selectors.artists_published().filter(pk__in=list(library.followed))
    albums = selectors.albums_published().filter(pk__in=list(library.saved)).order_by("title", "id")
    tracks = selectors.tracks_published().filter(pk__in=list(library.liked))
    return {
        "starred2": {
            "artist": [shapes.artist(row, library) for row in artists],
            "album": [shapes.album(row, library) for row in albums],
            "song": [shapes.song(row, library) for row in tracks],
        }
    }


@method("setRating")
def set_rating(call: Call) -> Body:
    value = call.params.required("id")
    kind, pk = id_parse(value)
    rating = call.params.integer("rating", 0, low=0)
    if rating is None or rating > 5:
        raise SubsonicError(SubsonicError.GENERIC, "A rating is 0 (none) to 5.")
    rows = {TRACK: selectors.tracks_published, ALBUM: selectors.albums_published, ARTIST: selectors.artists_published}
    if kind not in rows or not rows[kind]().filter(pk=pk).exists():
        raise SubsonicError(SubsonicError.NOT_FOUND, f"No such item: {value!r}.")
    rating_set(user=call.user, item=f"{kind}-{pk}", rating=rating)
    return {}


# Scrobbles


@method("scrobble")
def scrobble(call: Call) -> Body:
    """Now playing, or a play heard (``submission=true``) counted as the website's reports are.

    A submission counts only behind the stream grant the server gave this
    listener for this track (its receipt kept at ``stream``), for as long as the
    time since that grant: a scrobble of a track that was never streamed, or one
    whose receipt has expired, is accepted and counts nothing.
    """
    values = call.params.list("id")
    if not values:
        raise SubsonicError(SubsonicError.MISSING_PARAMETER, "Required parameter is missing: id.")
    ids = _track_ids(values)
    found = selectors.tracks_published().in_bulk(ids)
    if missing := [value for value, pk in zip(values, ids, strict=True) if pk not in found]:
        raise SubsonicError(SubsonicError.NOT_FOUND, f"Song not found: {missing[0]}.")
    if not call.params.boolean("submission", True):
        now_playing_set(call, ids[-1])
        return {}
    for track_id in ids:
        token = cache.get(receipt_key(call.user.pk, track_id))
        if token is None:
            continue
        try:
            granted_at = receipts.play_receipt_read(token=token).granted_at_ms
        except receipts.ReceiptError:
            continue
        heard = max(0, receipts.clock_ms() - granted_at)
        duration = found[track_id].duration_ms
        ms_played = heard if duration is None else min(heard, duration)
        try:
            play_report_accept(
                user=call.user,
                track_id=track_id,
                ms_played=ms_played,
                ended=duration is not None and ms_played >= duration,
                play_token=token,
                context="subsonic:scrobble",
            )
        except (PlayRefusedError, PermissionDenied):
            continue
    return {}
