"""Reads on streaming: what a listener may stream, and where from."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from catalog.access import tracks_visible_to
from catalog.models import Album, Track
from core.hotcache import hot_get, hot_set
from streaming import autoplay
from streaming.edges import folder_signer
from streaming.models import Device, Play, PlaybackState, TrackMedia
from streaming.names import hls_master_name, stream_info_key
from streaming.playback import play_order, track_items, upcoming
from streaming.receipts import play_receipt_sign
from streaming.signing import SignedUrl

MEDIA_CACHE_SECONDS = 3600


class TrackNotReadyError(Exception):
    """The track exists for this caller but has nothing to stream yet."""


class ExplicitBlocked(PermissionDenied):
    pass


@dataclass(frozen=True)
class StreamGrant:
    track_id: int
    url: str
    hls_url: str
    expires_at: dt.datetime
    format: str
    codec: str
    bitrate: int
    bitrates: list[int]
    duration_ms: int
    loudness_lufs: float
    true_peak_dbtp: float
    album_loudness_lufs: float | None
    album_true_peak_dbtp: float | None
    edge: str
    play_token: str


def _stream_info(track_id: int) -> dict[str, Any] | None:
    """What every grant of the track reads: whether anyone may stream it, and its current renditions.

    Hot data, kept in the hot cache (``core/hotcache.py``) and forgotten when
    the track, its album or its renditions change (``subscribers.py``).
    ``None`` for no such track.
    """
    key = stream_info_key(track_id)
    info: dict[str, Any] | None = hot_get(key)
    if info is None:
        track = (
            Track.objects.filter(pk=track_id)
            .values(
                "status",
                "explicit",
                "album__status",
                "duration_ms",
                "artist_id",
                "album__loudness__loudness_lufs",
                "album__loudness__true_peak_dbtp",
            )
            .first()
        )
        if track is None:
            return None
        media = TrackMedia.objects.filter(track_id=track_id).first()
        info = {
            "public": track["status"] == Track.Status.READY and track["album__status"] == Album.Status.PUBLISHED,
            "ready": track["status"] == Track.Status.READY,
            "explicit": track["explicit"],
            "track_ms": track["duration_ms"],
            "artist_id": track["artist_id"],
            "media": None
            if media is None
            else {
                "folder": media.folder,
                "codec": media.codec,
                "bitrates": media.bitrates,
                "duration_ms": media.duration_ms,
                "loudness_lufs": media.loudness_lufs,
                "true_peak_dbtp": media.true_peak_dbtp,
                # The album's as one programme (streaming/services/loudness.py), once it is measured.
                "album_loudness_lufs": track["album__loudness__loudness_lufs"],
                "album_true_peak_dbtp": track["album__loudness__true_peak_dbtp"],
            },
        }
        hot_set(key, info, MEDIA_CACHE_SECONDS)
    return info


@dataclass(frozen=True)
class PlayableTrack:
    duration_ms: int | None
    artist_id: int


def track_playable(*, track_id: int, user: User) -> PlayableTrack | None:
    """A ready track ``user`` may see, what a play report of it is checked against; ``None`` otherwise.

    A published track's answer comes from its stream info (``_stream_info``),
    cached: no query once warm. Others ask the database who may see them.
    """
    info = _stream_info(track_id)
    if info is not None and info["public"] and "artist_id" in info:
        return PlayableTrack(duration_ms=info["track_ms"], artist_id=info["artist_id"])
    track = (
        tracks_visible_to(user)
        .filter(pk=track_id, status=Track.Status.READY)
        .values("duration_ms", "artist_id")
        .first()
    )
    return None if track is None else PlayableTrack(duration_ms=track["duration_ms"], artist_id=track["artist_id"])


def media_signed_urls(
    *, folder: str, bitrate: int, duration_ms: int, country: str, local_base: str
) -> tuple[SignedUrl, SignedUrl, str]:
    """Signed URLs of a folder of renditions (a track's or an ad's) at ``bitrate``: progressive, HLS, edge region.

    They last ``STREAM_URL_TTL`` beyond the audio's length, from the edge nearest ``country``.
    """
    sign, region = folder_signer(
        folder=folder, cap=bitrate, duration_ms=duration_ms, country=country, local_base=local_base
    )
    return sign(f"aac_{bitrate}.m4a"), sign(hls_master_name(bitrate)), region


def stream_grant(
    *, track_id: int, user: User, country: str, local_base: str, max_bitrate: int | None = None
) -> StreamGrant:
    """A signed URL to stream ``track_id`` as ``user`` may, and the receipt its play reports send back.

    ``max_bitrate`` (kbit/s), when an app asks for one, takes the place of the
    listener's quality setting, still within their plan's cap.

    Raises Track.DoesNotExist when the user may not see it, TrackNotReadyError
    when it has nothing to stream yet, PermissionDenied when it is not for them.
    A published track's grant runs no query once its stream info is cached;
    an unpublished one asks the database who may see it (its artist's members).
    """
    info = _stream_info(track_id)
    if info is None or (not info["public"] and not tracks_visible_to(user).filter(pk=track_id).exists()):
        raise Track.DoesNotExist(track_id)
    profile = user.profile
    if info["explicit"] and not profile.explicit_content:
        raise ExplicitBlocked("This track is explicit, and explicit content is off in your settings.")
    media = info["media"] if info["ready"] else None
    if media is None:
        raise TrackNotReadyError(track_id)
    wanted = min(max_bitrate, profile.bitrate_cap) if max_bitrate else profile.stream_bitrate
    allowed = [b for b in media["bitrates"] if b <= wanted] or media["bitrates"][:1]
    bitrate = max(allowed)
    progressive, hls, region = media_signed_urls(
        folder=media["folder"],
        bitrate=bitrate,
        duration_ms=media["duration_ms"],
        country=country,
        local_base=local_base,
    )
    return StreamGrant(
        track_id=track_id,
        url=progressive.url,
        hls_url=hls.url,
        expires_at=dt.datetime.fromtimestamp(progressive.expires, tz=dt.UTC),
        format="mp4",
        codec=media["codec"],
        bitrate=bitrate,
        bitrates=allowed,
        duration_ms=media["duration_ms"],
        loudness_lufs=media["loudness_lufs"],
        true_peak_dbtp=media["true_peak_dbtp"],
        album_loudness_lufs=media.get("album_loudness_lufs"),
        album_true_peak_dbtp=media.get("album_true_peak_dbtp"),
        edge=region,
        play_token=play_receipt_sign(
            user_id=user.pk, track_id=track_id, country=country, private=profile.private_session
        ),
    )


# A play the listener's history shows: heard past the count's threshold (30 s), or to the track's
# end, however short the track. The play count, streams and royalties keep the threshold alone
# (``Play.counted``); a play stopped before both is a skip and shows nowhere.
HEARD = Q(counted=True) | Q(ended=True)


def play_history(*, user: User) -> QuerySet[Play]:
    """What ``user`` listened to, newest first: plays that counted, and tracks heard to their end."""
    return (
        Play.objects.filter(HEARD, user_id=user.pk)
        .select_related("track", "track__artist", "track__album")
        .order_by("-started_at")
    )


# Playback across devices

DEVICES_SHOWN = 20
# A device asks for the state every second while its page is visible, every ten seconds while hidden (about
# once a minute once the browser throttles a long-hidden tab), and its ``last_seen`` is written at most once
# a minute (``SEEN_EVERY_SECONDS``): a device that is there is never older than about two minutes. Past this
# it is gone: off the list, and no longer the one playback is on.
DEVICE_ONLINE_SECONDS = 150


def devices_present_since() -> dt.datetime:
    """The moment a device must have been seen since to count as there."""
    return timezone.now() - dt.timedelta(seconds=DEVICE_ONLINE_SECONDS)


def player_devices(*, user: User) -> list[dict[str, Any]]:
    """The listener's devices that are there now, last seen first, with the one playback is on."""
    active = PlaybackState.objects.filter(user_id=user.pk).values_list("device_id", flat=True).first()
    devices = Device.objects.filter(user_id=user.pk, last_seen__gte=devices_present_since()).order_by("-last_seen")
    return [
        {
            "id": device.device_id,
            "name": device.name,
            "type": device.type,
            "is_active": device.pk == active,
            "is_online": True,
            "last_seen": device.last_seen,
        }
        for device in devices[:DEVICES_SHOWN]
    ]


def player_queue(*, user: User) -> dict[str, Any]:
    """What plays now and next: the listener's queue, then the rest of the context."""
    state = PlaybackState.objects.filter(user_id=user.pk).first()
    if state is None:
        return {"version": 0, "currently_playing": None, "queue": [], "next_in_context": [], "autoplay": []}
    queue, rest = upcoming(state)
    more: list[int] = []
    if not rest and state.repeat == PlaybackState.Repeat.OFF and state.context_tracks:
        more = autoplay.continuation(user=user, played=play_order(state), context_uri=state.context_uri)
    items = track_items([*([state.track_id] if state.track_id else []), *queue, *rest, *more])
    return {
        "version": state.version,
        "currently_playing": items.get(state.track_id) if state.track_id else None,
        "queue": [items[i] for i in queue if i in items],
        "next_in_context": [items[i] for i in rest if i in items],
        "autoplay": [items[i] for i in more if i in items],
    }
