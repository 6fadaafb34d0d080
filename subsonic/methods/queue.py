"""The play queue (the web player's own state, so that it follows the listener) and now playing."""

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from streaming.models import Device, PlaybackState
from streaming.playback import play_order
from streaming.services.player import device_register, player_pause, player_play, player_queue_set, player_seek
from subsonic import selectors, shapes
from subsonic.envelope import Body, SubsonicError
from subsonic.ids import TRACK, id_of, id_of_kind
from subsonic.methods.media import NOW_PLAYING_SECONDS, now_playing_key
from subsonic.registry import Call, method
from subsonic.selectors import Library

CONTEXT_URI = "subsonic:queue"


def _order(state: PlaybackState) -> list[int]:
    """The tracks in the order they play: the context as it plays, the listener's queue after the current one."""
    order = play_order(state)
    at = state.context_index if 0 <= state.context_index < len(order) else len(order) - 1
    return [*order[: at + 1], *state.queue, *order[at + 1 :]]


def _position_ms(state: PlaybackState) -> int:
    if not state.is_playing:
        return state.position_ms
    elapsed = int((timezone.now() - state.reported_at).total_seconds() * 1000)
    duration = state.track.duration_ms if state.track is not None else None
    position = state.position_ms + max(0, elapsed)
    return position if duration is None else min(position, duration)


@method("getPlayQueue")
def get_play_queue(call: Call) -> Body:
    state = selectors.playback_state(user=call.user)
    if state is None:
        return {
            "playQueue": {
                "username": call.user.username,
                "changed": shapes.iso(timezone.now()),
                "changedBy": "",
                "entry": [],
            }
        }
    ids = _order(state)
    tracks = selectors.tracks_published().in_bulk(ids)
    library = Library(call.user)
    return {
        "playQueue": {
            "current": id_of(TRACK, state.track_id) if state.track_id in tracks else None,
            "position": _position_ms(state),
            "username": call.user.username,
            "changed": shapes.iso(state.updated_at),
            "changedBy": state.device.name if state.device is not None else "",
            "entry": [shapes.song(tracks[pk], library) for pk in ids if pk in tracks],
        }
    }


@method("savePlayQueue")
def save_play_queue(call: Call) -> Body:
    ids = [id_of_kind(value, TRACK) for value in call.params.list("id")]
    current = call.params.get("current")
    current_id = id_of_kind(current, TRACK) if current is not None else (ids[0] if ids else None)
    if current_id is not None and current_id not in ids:
        raise SubsonicError(SubsonicError.GENERIC, "The current song must be in the queue.")
    position = call.params.integer("position", 0, low=0)
    with transaction.atomic():
        device = device_register(
            user=call.user, device_id=f"subsonic:{call.client}"[:64], name=call.client[:100], type=Device.Type.OTHER
        )
        if ids:
            player_play(
                user=call.user,
                device_id=device.device_id,
                track_ids=ids,
                offset_track=current_id,
                position_ms=position,
                context_uri=CONTEXT_URI,
            )
        player_queue_set(user=call.user, track_ids=[])  # the app's list is the whole queue
        player_pause(user=call.user)
        if ids:
            player_seek(user=call.user, position_ms=position or 0)  # where the app was, not plus the time since
    return {}


@method("getNowPlaying")
def get_now_playing(call: Call) -> Body:
    # Only the caller's own: what others play is theirs to share, and this server does not.
    playing = cache.get(now_playing_key(call.user.pk))
    entries: list[Body] = []
    if playing is not None:
        track = selectors.tracks_published().filter(pk=playing["track_id"]).first()
        if track is not None:
            since = timezone.now() - dt.datetime.fromtimestamp(playing["at"], tz=dt.UTC)
            entries.append(
                {
                    **shapes.song(track, Library(call.user)),
                    "username": call.user.username,
                    "minutesAgo": min(int(since.total_seconds() // 60), NOW_PLAYING_SECONDS // 60),
                    "playerId": 1,
                    "playerName": playing["client"],
                }
            )
    return {"nowPlaying": {"entry": entries}}
