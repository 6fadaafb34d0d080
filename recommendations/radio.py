"""Radio and autoplay: endless listening seeded by a track, an album, an artist or a playlist.

A radio is a context like an album's: its first track is the seed itself (or
the most played of the seed's tracks), then tracks like the seed, from
``recommendations_from_seeds``. It plays under the uri
``spotifyclone:radio:<kind>:<id>``, and when it runs out the player asks for
more (``streaming.autoplay``): tracks like the last ones it played. Autoplay
after an album or a playlist asks the same source.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from accounts.models import User
from catalog.access import albums_visible_to, tracks_visible_to
from catalog.models import Artist, Track
from playlists.access import playlists_visible_to
from recommendations.selectors import (
    POOL,
    listener_track_ids,
    recommendations_from_seeds,
    tracks_recommendable,
)
from streaming.autoplay import BATCH, RADIO_URI_PREFIX
from streaming.services.player import NothingToPlayError, player_play

KINDS = ("track", "album", "artist", "playlist")
SEEDS = 5  # tracks of an album or a playlist that seed its radio


@dataclass(frozen=True)
class Radio:
    name: str
    uri: str
    track_ids: list[int]


def _recommendable_ids(ids: Sequence[int], *, viewer: User) -> list[int]:
    """``ids`` in their order, without those ``viewer`` may not be recommended."""
    kept = set(tracks_recommendable(viewer=viewer).filter(pk__in=ids).values_list("pk", flat=True))
    return [pk for pk in ids if pk in kept]


def _like(*, tracks: list[int], artists: list[int], viewer: User) -> list[int]:
    _, found = recommendations_from_seeds(tracks=tracks, artists=artists, genres=[], viewer=viewer, limit=POOL)
    return [track.pk for track in found]


def autoplay_track_ids(*, user: User, seeds: Sequence[int], exclude: set[int], limit: int) -> list[int]:
    """What plays on after ``seeds`` (newest last): tracks like them, then the listener's own list.

    Nothing of ``exclude`` (what the context played) while there is anything else;
    a catalog so small that everything was heard plays on from what was heard
    longest ago rather than stopping.
    """
    chosen: list[int] = []
    for pool in (
        _like(tracks=list(seeds), artists=[], viewer=user),
        _recommendable_ids(listener_track_ids(user_id=user.pk), viewer=user),
    ):
        chosen += [pk for pk in pool if pk not in exclude and pk not in chosen]
        if len(chosen) >= limit:
            return chosen[:limit]
    if not chosen:
        last = set(seeds)
        chosen = [pk for pk in _recommendable_ids(list(exclude), viewer=user) if pk not in last]
    return chosen[:limit]


def _most_played(tracks: QuerySet[Track], *, viewer: User, then: str = "pk") -> list[int]:
    """The seeds among ``tracks``: the most played that ``viewer`` may be recommended."""
    ids = tracks.order_by(F("play_count").desc(), then, "pk").values_list("pk", flat=True)[: SEEDS * 10]
    return _recommendable_ids(list(ids), viewer=viewer)[:SEEDS]


def radio_for(*, kind: str, pk: int, viewer: User) -> Radio:
    """The radio of the track, album, artist or playlist ``pk`` (DoesNotExist when ``viewer`` may not see it)."""
    artists: list[int] = []
    if kind == "track":
        track = tracks_visible_to(viewer).get(pk=pk)
        name, seeds = track.title, _recommendable_ids([track.pk], viewer=viewer)
    elif kind == "album":
        album = albums_visible_to(viewer).get(pk=pk)
        name, seeds = album.title, _most_played(Track.objects.filter(album=album), viewer=viewer, then="track_number")
    elif kind == "artist":
        artist = Artist.objects.get(pk=pk)
        name, seeds, artists = artist.name, _most_played(Track.objects.filter(artist=artist), viewer=viewer), [pk]
    elif kind == "playlist":
        playlist = playlists_visible_to(viewer).get(pk=pk)
        in_playlist = Track.objects.filter(playlist_items__playlist=playlist)
        name, seeds = playlist.name, _most_played(in_playlist, viewer=viewer, then="playlist_items__position")
    else:
        raise ValueError(f"A radio is seeded by one of {', '.join(KINDS)}.")
    first = seeds[:1]
    rest = [track_id for track_id in _like(tracks=seeds, artists=artists, viewer=viewer) if track_id not in first]
    return Radio(f"{name} Radio", f"{RADIO_URI_PREFIX}{kind}:{pk}", (first + rest)[:BATCH])


def radio_start(*, user: User, kind: str, pk: int, device_id: str | None = None) -> dict[str, Any]:
    """Play the radio of ``kind`` ``pk`` on the listener's device: the new playback state."""
    radio = radio_for(kind=kind, pk=pk, viewer=user)
    if not radio.track_ids:
        raise NothingToPlayError("There is no music like this to play yet.")
    return player_play(user=user, device_id=device_id, track_ids=radio.track_ids, offset=0, context_uri=radio.uri)
