"""What streaming does when the catalog announces something (``catalog/events.py``) or its rows change.

Subscribed in ``StreamingConfig.ready``. Each handler runs inside the
catalog's transaction and only queues a task through the outbox, sent after
commit (the delivery rule of ``core/events.py``), or forgets cached stream
info after commit: a grant must not go on offering a track that was
unpublished, deleted or marked explicit, or renditions that were replaced.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from catalog.events import (
    AlbumProgrammeChanged,
    CatalogRowsChanged,
    TrackDeleting,
    TrackReprocessRequested,
    TrackUploaded,
)
from catalog.models import Album, Track
from core.events import subscribe
from core.hotcache import hot_forget
from streaming.models import TrackMedia
from streaming.names import stream_info_key
from streaming.services.loudness import album_loudness_measure_later
from streaming.services.renditions import renditions_delete_later, track_transcode_later


def transcode_uploaded(event: TrackUploaded) -> None:
    track_transcode_later(track_id=event.track_id)


def transcode_again(event: TrackReprocessRequested) -> None:
    track_transcode_later(track_id=event.track_id, force=True)


def renditions_of_deleted(event: TrackDeleting) -> None:
    renditions_delete_later(track_id=event.track_id)


def album_loudness_of_programme(event: AlbumProgrammeChanged) -> None:
    # A draft's tracks change often and nobody streams it as an album: it is measured once published.
    if Album.objects.filter(pk=event.album_id, status=Album.Status.PUBLISHED).exists():
        album_loudness_measure_later(album_id=event.album_id)


def _album_loudness_of_track(track_id: int) -> None:
    """The published album the track is on is measured again (its programme changes with the track)."""
    album_id = (
        Track.objects.filter(pk=track_id, album__status=Album.Status.PUBLISHED)
        .values_list("album_id", flat=True)
        .first()
    )
    if album_id is not None:
        album_loudness_measure_later(album_id=album_id)


def album_loudness_of_deleted(event: TrackDeleting) -> None:
    _album_loudness_of_track(event.track_id)


def _stream_info_forget(track_ids: Iterable[int]) -> None:
    keys = [stream_info_key(track_id) for track_id in track_ids]
    transaction.on_commit(lambda: hot_forget(*keys))


def stream_info_of_rows(event: CatalogRowsChanged) -> None:
    if event.kind == "track":
        _stream_info_forget(event.ids)
    elif event.kind == "album":
        _stream_info_forget(Track.objects.filter(album_id__in=event.ids).values_list("pk", flat=True))


def _track_changed(sender: Any, instance: Track, **kwargs: Any) -> None:
    _stream_info_forget([instance.pk])


def _album_changed(sender: Any, instance: Album, created: bool = False, **kwargs: Any) -> None:
    if not created:  # a deleted album's tracks go with it, each with a signal of its own
        _stream_info_forget(Track.objects.filter(album_id=instance.pk).values_list("pk", flat=True))


def _media_changed(sender: Any, instance: TrackMedia, **kwargs: Any) -> None:
    _stream_info_forget([instance.track_id])


def _media_switched(sender: Any, instance: TrackMedia, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is None or "version" in update_fields:  # new renditions, not more rungs of the same
        _album_loudness_of_track(instance.track_id)


def subscribe_all() -> None:
    subscribe(TrackUploaded, transcode_uploaded)
    subscribe(TrackReprocessRequested, transcode_again)
    subscribe(TrackDeleting, renditions_of_deleted)
    subscribe(CatalogRowsChanged, stream_info_of_rows)
    subscribe(AlbumProgrammeChanged, album_loudness_of_programme)
    subscribe(TrackDeleting, album_loudness_of_deleted)
    post_save.connect(_media_switched, sender=TrackMedia, dispatch_uid="streaming_album_loudness_media")
    for signal in (post_save, post_delete):
        signal.connect(_track_changed, sender=Track, dispatch_uid=f"streaming_stream_info_track_{signal is post_save}")
        signal.connect(
            _media_changed, sender=TrackMedia, dispatch_uid=f"streaming_stream_info_media_{signal is post_save}"
        )
    post_save.connect(_album_changed, sender=Album, dispatch_uid="streaming_stream_info_album")
