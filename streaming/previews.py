"""Reads for visitors without an account: the grant of a track's preview.

A preview grant signs the preview's own folder (``TrackMedia.preview_folder``),
which holds the preview and nothing else: its URL reaches none of the full
renditions, whatever file name is put after the token. See docs/player.md.
"""

import datetime as dt
from dataclasses import dataclass

from catalog.models import Album, Track
from streaming.edges import folder_signer
from streaming.models import TrackMedia, preview_folder
from streaming.transcode import PREVIEW_BITRATE, PREVIEW_FILE


class PreviewMissingError(Exception):
    """The track is published but has no preview yet."""


@dataclass(frozen=True)
class PreviewGrant:
    track_id: int
    url: str
    expires_at: dt.datetime
    codec: str
    bitrate: int
    start_ms: int  # where in the track the preview starts
    duration_ms: int  # of the preview
    track_duration_ms: int
    edge: str


def preview_grant(*, track_id: int, country: str, local_base: str) -> PreviewGrant:
    """A short-lived signed URL of a published track's preview (one query).

    Raises Track.DoesNotExist for no published, ready track of that id, and
    PreviewMissingError for one whose preview is not made yet.
    """
    media = (
        TrackMedia.objects.filter(
            track_id=track_id, track__status=Track.Status.READY, track__album__status=Album.Status.PUBLISHED
        )
        .values("version", "duration_ms", "preview_start_ms", "preview_ms")
        .first()
    )
    if media is None:
        raise Track.DoesNotExist(track_id)
    if media["preview_ms"] is None:
        raise PreviewMissingError(track_id)
    folder = preview_folder(track_id=track_id, version=media["version"])
    sign, region = folder_signer(
        folder=folder, cap=PREVIEW_BITRATE, duration_ms=media["preview_ms"], country=country, local_base=local_base
    )
    url = sign(PREVIEW_FILE)
    return PreviewGrant(
        track_id=track_id,
        url=url.url,
        expires_at=dt.datetime.fromtimestamp(url.expires, tz=dt.UTC),
        codec="aac",
        bitrate=PREVIEW_BITRATE,
        start_ms=media["preview_start_ms"] or 0,
        duration_ms=media["preview_ms"],
        track_duration_ms=media["duration_ms"],
        edge=region,
    )
