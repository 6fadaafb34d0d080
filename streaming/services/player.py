"""Playback across devices: the business actions on a listener's playback state.

Every action locks the listener's one ``PlaybackState`` row, changes it, bumps
its version and, once the transaction commits, puts the new snapshot in the
cache, where every device polling for changes reads it. Commands meant for a
device (pause, play elsewhere, skip) are nothing but changes of this state:
the device acts on them when it sees the new version.
"""

import datetime as dt
import random
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from catalog.access import tracks_visible_to
from catalog.models import Track
from streaming import autoplay
from streaming.models import Device, PlaybackState
from streaming.playback import play_order, snapshot_build, snapshot_key, snapshot_store
from streaming.selectors import devices_present_since

QUEUE_LIMIT = 500
CONTEXT_LIMIT = 2000
PREVIOUS_RESTARTS_AFTER_MS = 3000
SEEN_EVERY_SECONDS = 60
NAME_LENGTH = 100
DEVICE_FORGOTTEN_DAYS = 30


class PlayerError(Exception):
    """A player action that cannot be done in the state the player is in."""

    code = "player_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoActiveDeviceError(PlayerError):
    code = "no_active_device"


class DeviceNotFoundError(PlayerError):
    code = "device_not_found"


class DeviceNotActiveError(PlayerError):
    code = "device_not_active"


class VersionConflictError(PlayerError):
    code = "version_conflict"

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


class NothingToPlayError(PlayerError):
    code = "nothing_to_play"


# Devices


def device_register(*, user: User, device_id: str, name: str, type: str = Device.Type.COMPUTER) -> Device:
    """Add the device, or update it; either way it was seen just now.

    ``name`` is the device's own default ("Chrome on Linux"). It is made
    distinct from the names of the listener's other devices there now ("Chrome
    on Linux 2"), and does not replace a name the listener chose
    (``device_rename``). A playback left on a device that has gone is let go
    first, so that a new session is not offered one nobody can hear.
    """
    player_release_gone(user_id=user.pk)
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(user_id=user.pk, device_id=device_id).first()
        now = timezone.now()
        if device is None or not device.named_by_listener:
            name = _distinct_name(user_id=user.pk, device_id=device_id, name=name, had=device.name if device else "")
        else:
            name = device.name
        device, _ = Device.objects.update_or_create(
            user=user, device_id=device_id, defaults={"name": name, "type": type, "last_seen": now}
        )
    cache.set(_seen_key(user.pk, device_id), 1, SEEN_EVERY_SECONDS)
    return device


def _distinct_name(*, user_id: int, device_id: str, name: str, had: str = "") -> str:
    """``name``, or ``name 2``, ``name 3``…: the first that none of the listener's other devices there now has.

    A device keeps the number it ``had`` while no other device there has taken
    it, so that its name does not change under the listener at every page load.
    """
    taken = set(
        Device.objects.filter(user_id=user_id, last_seen__gte=devices_present_since())
        .exclude(device_id=device_id)
        .values_list("name", flat=True)
    )
    base = name.strip()[: NAME_LENGTH - 4] or "Web player"
    numbered = had.startswith(base + " ") and had[len(base) + 1 :].isdigit()
    if had not in taken and (had == base or numbered):
        return had
    if base not in taken:
        return base
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


@transaction.atomic
def device_rename(*, user: User, device_id: str, name: str) -> Device:
    """The listener names one of their devices; the devices showing it as the one playing learn the new name."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": gettext("Give the device a name.")}, code="blank")
    device = _device(user=user, device_id=device_id)
    device.name = name[:NAME_LENGTH]
    device.named_by_listener = True
    device.save(update_fields=["name", "named_by_listener"])
    states = PlaybackState.objects.select_related("track").select_for_update(of=("self",))
    state = states.filter(user_id=user.pk, device_id=device.pk).first()
    if state is not None:
        state.device = device
        _save(state)  # the snapshot names the active device
    return device


def device_seen(*, user_id: int, device_id: str) -> None:
    """Note that a device asked for the state; written at most once a minute per device.

    Then, as often, look whether playback is on a device that has gone, and let it go.
    """
    if cache.add(_seen_key(user_id, device_id), 1, SEEN_EVERY_SECONDS):
        Device.objects.filter(user_id=user_id, device_id=device_id).update(last_seen=timezone.now())
        player_release_gone(user_id=user_id)


@transaction.atomic
def player_release_gone(*, user_id: int) -> dict[str, Any] | None:
    """Let go of playback left on a device not seen for a while (its tab closed, its laptop asleep).

    The state keeps its track and its place, paused, on no device: every
    device shows it paused, offers nobody to take it from, and plays it from
    there when the listener presses play. The place is the one last reported
    (every few seconds while it played). ``None`` when there was nothing to do.
    """
    state = (
        PlaybackState.objects.select_related("device", "track")
        .select_for_update(of=("self",))
        .filter(user_id=user_id, device__last_seen__lt=devices_present_since())
        .first()
    )
    if state is None:
        return None
    state.device = None
    state.is_playing = False
    state.reported_at = timezone.now()
    return _save(state)


def devices_sweep() -> dict[str, int]:
    """Let go of playback on every device that has gone, and delete the devices gone for a month (periodic).

    Idempotent: a second run finds nothing more to do.
    """
    gone = list(
        PlaybackState.objects.filter(device__isnull=False, device__last_seen__lt=devices_present_since()).values_list(
            "user_id", flat=True
        )
    )
    released = sum(player_release_gone(user_id=user_id) is not None for user_id in gone)
    forgotten_before = timezone.now() - dt.timedelta(days=DEVICE_FORGOTTEN_DAYS)
    deleted, _ = Device.objects.filter(last_seen__lt=forgotten_before).delete()
    return {"released": released, "deleted": deleted}


def _seen_key(user_id: int, device_id: str) -> str:
    return f"player:seen:{user_id}:{device_id}"


def _device(*, user: User, device_id: str) -> Device:
    device = Device.objects.filter(user_id=user.pk, device_id=device_id).first()
    if device is None:
        raise DeviceNotFoundError(f"You have no device with the id {device_id!r}.")
    return device


# The state


def _lock(*, user: User, create: bool = False) -> PlaybackState:
    if create:
        PlaybackState.objects.get_or_create(user_id=user.pk, defaults={"reported_at": timezone.now()})
    state = (
        PlaybackState.objects.select_related("device", "track")
        .select_for_update(of=("self",))
        .filter(user_id=user.pk)
        .first()
    )
    if state is None:
        raise NoActiveDeviceError("Nothing is playing on any of your devices.")
    return state


def _position_now(state: PlaybackState) -> int:
    position = state.position_ms
    if state.is_playing:
        position += max(0, int((timezone.now() - state.reported_at).total_seconds() * 1000))
    if state.track is not None and state.track.duration_ms:
        position = min(position, state.track.duration_ms)
    return position


def _freeze(state: PlaybackState) -> None:
    """Write down where playback is now, before changing what or whether it plays."""
    state.position_ms = _position_now(state)
    state.reported_at = timezone.now()


def _save(state: PlaybackState) -> dict[str, Any]:
    """Store the change under a new version; the snapshot reaches the cache once it commits."""
    state.version += 1
    state.save()
    previous = cache.get(snapshot_key(state.user_id))
    snapshot = snapshot_build(state, reuse=previous)
    transaction.on_commit(lambda: snapshot_store(state.user_id, snapshot))
    return snapshot


def _visible_ids(*, user: User, track_ids: list[int]) -> None:
    """Every one of ``track_ids`` is a track the user may see, or Track.DoesNotExist."""
    wanted = set(track_ids)
    found = set(tracks_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))
    if missing := wanted - found:
        raise Track.DoesNotExist(f"No such track: {min(missing)}.")


def _shuffled(count: int, *, first: int | None) -> list[int]:
    rest = [i for i in range(count) if i != first]
    random.shuffle(rest)
    return ([first] if first is not None else []) + rest


def _play_track(state: PlaybackState, track_id: int | None) -> None:
    state.track_id = track_id
    state.track = None if track_id is None else Track.objects.filter(pk=track_id).first()
    state.position_ms = 0
    state.reported_at = timezone.now()


@transaction.atomic
def player_transfer(*, user: User, device_id: str, play: bool | None = None) -> dict[str, Any]:
    """Move playback to ``device_id``: the device that had it stops, this one goes on where it was."""
    device = _device(user=user, device_id=device_id)
    state = _lock(user=user, create=True)
    _freeze(state)
    state.device = device
    if play is not None:
        state.is_playing = play and state.track_id is not None
    return _save(state)


@transaction.atomic
def player_play(
    *,
    user: User,
    device_id: str | None = None,
    track_ids: list[int] | None = None,
    offset: int | None = None,
    offset_track: int | None = None,
    position_ms: int | None = None,
    context_uri: str = "",
) -> dict[str, Any]:
    """Start or resume: a new context (``track_ids``, from ``offset``) or what was playing."""
    device = _device(user=user, device_id=device_id) if device_id else None
    state = _lock(user=user, create=True)
    _freeze(state)
    if device is not None:
        state.device = device
    if state.device is None:
        raise NoActiveDeviceError("Name a device to play on: none of yours is active.")
    if track_ids is not None:
        if not track_ids or len(track_ids) > CONTEXT_LIMIT:
            raise ValidationError(
                {"tracks": gettext("Give between 1 and %(CONTEXT_LIMIT)s tracks.") % {"CONTEXT_LIMIT": CONTEXT_LIMIT}},
                code="invalid",
            )
        _visible_ids(user=user, track_ids=track_ids)
        if offset_track is not None:
            if offset_track not in track_ids:
                raise ValidationError({"offset": gettext("That track is not in the list.")}, code="invalid")
            offset = track_ids.index(offset_track)
        offset = offset or 0
        if not 0 <= offset < len(track_ids):
            raise ValidationError(
                {"offset": gettext("Give a position from 0 to %(value)s.") % {"value": len(track_ids) - 1}},
                code="invalid",
            )
        state.context_tracks = track_ids
        state.context_uri = context_uri
        state.shuffle_order = _shuffled(len(track_ids), first=offset) if state.shuffle else []
        state.context_index = 0 if state.shuffle else offset
        _play_track(state, track_ids[offset])
    if state.track_id is None:
        raise NothingToPlayError("There is nothing to resume: give tracks to play.")
    if position_ms is not None:
        state.position_ms = min(position_ms, state.track.duration_ms or position_ms) if state.track else position_ms
        state.reported_at = timezone.now()
    state.is_playing = True
    return _save(state)


@transaction.atomic
def player_pause(*, user: User) -> dict[str, Any]:
    state = _lock(user=user)
    if state.device is None:
        raise NoActiveDeviceError("Nothing is playing on any of your devices.")
    _freeze(state)
    state.is_playing = False
    return _save(state)


@transaction.atomic
def player_seek(*, user: User, position_ms: int) -> dict[str, Any]:
    state = _lock(user=user)
    if state.device is None or state.track is None:
        raise NoActiveDeviceError("Nothing is playing on any of your devices.")
    duration = state.track.duration_ms
    state.position_ms = min(position_ms, duration) if duration else position_ms
    state.reported_at = timezone.now()
    return _save(state)


@transaction.atomic
def player_next(*, user: User) -> dict[str, Any]:
    """Skip: the listener's queue first, then the context; past its end, autoplay, or stop (or wrap when repeating)."""
    state = _lock(user=user)
    if state.device is None:
        raise NoActiveDeviceError("Nothing is playing on any of your devices.")
    if state.queue:
        queue = list(state.queue)
        _play_track(state, queue.pop(0))
        state.queue = queue
        return _save(state)
    order = play_order(state)
    index = state.context_index + 1
    if index >= len(order):
        if state.repeat == PlaybackState.Repeat.CONTEXT and order:
            index = 0
        elif more := autoplay.continuation(user=user, played=order, context_uri=state.context_uri):
            return _continue(state, more)
        else:
            state.is_playing = False
            state.position_ms = 0
            state.reported_at = timezone.now()
            return _save(state)
    state.context_index = index
    _play_track(state, order[index])
    return _save(state)


def _continue(state: PlaybackState, track_ids: list[int]) -> dict[str, Any]:
    """Past the end of the context: autoplay (or the radio) becomes the context, from its first track."""
    if not autoplay.is_radio(state.context_uri):
        state.context_uri = autoplay.AUTOPLAY_URI
    state.context_tracks = track_ids
    state.shuffle_order = []
    state.context_index = 0
    _play_track(state, track_ids[0])
    return _save(state)


@transaction.atomic
def player_previous(*, user: User) -> dict[str, Any]:
    """Back to the start of the track, or, near its start, to the track before it in the context."""
    state = _lock(user=user)
    if state.device is None or state.track_id is None:
        raise NoActiveDeviceError("Nothing is playing on any of your devices.")
    order = play_order(state)
    if _position_now(state) > PREVIOUS_RESTARTS_AFTER_MS or not order or state.context_index < 0:
        state.position_ms = 0
        state.reported_at = timezone.now()
        return _save(state)
    index = state.context_index - 1
    if index < 0:
        index = len(order) - 1 if state.repeat == PlaybackState.Repeat.CONTEXT else 0
    state.context_index = index
    _play_track(state, order[index])
    return _save(state)


@transaction.atomic
def player_queue_add(*, user: User, track_id: int, next: bool = False) -> dict[str, Any]:
    """Add a track to the listener's queue: at its end, or first (play next)."""
    _visible_ids(user=user, track_ids=[track_id])
    state = _lock(user=user, create=True)
    if len(state.queue) >= QUEUE_LIMIT:
        raise ValidationError(
            gettext("The queue holds at most %(QUEUE_LIMIT)s tracks.") % {"QUEUE_LIMIT": QUEUE_LIMIT}, code="queue_full"
        )
    state.queue = [track_id, *state.queue] if next else [*state.queue, track_id]
    return _save(state)


@transaction.atomic
def player_queue_set(*, user: User, track_ids: list[int]) -> dict[str, Any]:
    """Replace the listener's queue: reordered, with tracks removed, or emptied."""
    if len(track_ids) > QUEUE_LIMIT:
        raise ValidationError(
            {"tracks": gettext("The queue holds at most %(QUEUE_LIMIT)s tracks.") % {"QUEUE_LIMIT": QUEUE_LIMIT}},
            code="invalid",
        )
    _visible_ids(user=user, track_ids=track_ids)
    state = _lock(user=user, create=True)
    state.queue = list(track_ids)
    return _save(state)


@transaction.atomic
def player_shuffle_set(*, user: User, shuffle: bool) -> dict[str, Any]:
    """Shuffle the rest of the context (the current track stays), or go back to its own order."""
    state = _lock(user=user, create=True)
    if shuffle == state.shuffle:
        return _save(state)
    count = len(state.context_tracks)
    current = state.context_index
    if shuffle:
        first = current if 0 <= current < count else None
        state.shuffle_order = _shuffled(count, first=first)
        state.context_index = 0 if first is not None else -1
    else:
        valid = len(state.shuffle_order) == count and 0 <= current < count
        state.context_index = state.shuffle_order[current] if valid else -1
        state.shuffle_order = []
    state.shuffle = shuffle
    return _save(state)


@transaction.atomic
def player_repeat_set(*, user: User, repeat: str) -> dict[str, Any]:
    state = _lock(user=user, create=True)
    state.repeat = PlaybackState.Repeat(repeat)
    return _save(state)


@transaction.atomic
def player_volume_set(*, user: User, volume: int) -> dict[str, Any]:
    state = _lock(user=user, create=True)
    state.volume = volume
    return _save(state)


@transaction.atomic
def player_report(
    *,
    user: User,
    device_id: str,
    position_ms: int,
    is_playing: bool,
    version: int | None = None,
    volume: int | None = None,
) -> dict[str, Any]:
    """What the playing device says, every few seconds and on every change: where it is, whether it plays.

    Only the active device reports; a report made against an older version
    (someone paused from another device since) is refused, so that it cannot
    undo that change: the device reads the state again and follows it.
    """
    state = _lock(user=user)
    if state.device is None or state.device.device_id != device_id:
        raise DeviceNotActiveError("Playback has moved to another device.")
    if version is not None and version != state.version:
        raise VersionConflictError("The playback state changed since; read it again.", version=state.version)
    duration = state.track.duration_ms if state.track else None
    state.position_ms = min(position_ms, duration) if duration else position_ms
    state.reported_at = timezone.now()
    state.is_playing = is_playing and state.track_id is not None
    if volume is not None:
        state.volume = volume
    return _save(state)
