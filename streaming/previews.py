"""Reads for visitors without an account: the grant of a track's preview.

A preview grant signs the preview's own folder (``TrackMedia.preview_folder``),
which holds the preview and nothing else: its URL reaches none of the full
renditions, whatever file name is put after the token. See docs/player.md.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings

from catalog.models import Album, Track
from streaming.cloudfront import cloudfront_signed_url
from streaming.edges import edge_for
from streaming.models import TrackMedia, preview_folder
from streaming.signing import signed_url
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
    region, base = edge_for(country)
    ttl = settings.STREAM_URL_TTL + media["preview_ms"] // 1000
    if settings.STREAM_SIGNING == "cloudfront":
        sign = functools.partial(
            cloudfront_signed_url,
            base=base,
            scope=folder,
            ttl=ttl,
            key_pair_id=settings.CLOUDFRONT_KEY_PAIR_ID,
            private_key_pem=settings.CLOUDFRONT_PRIVATE_KEY,
        )
    else:
        sign = functools.partial(
            signed_url,
            base=base or local_base,
            scope=folder,
            cap=PREVIEW_BITRATE,
            ttl=ttl,
            key=settings.EDGE_SIGNING_KEY,
        )
    url = sign(file=PREVIEW_FILE)
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
