"""What streaming does when the catalog announces something (``catalog/events.py``).

Subscribed in ``StreamingConfig.ready``. Each handler runs inside the
catalog's transaction and only queues a task through the outbox, sent after
commit (the delivery rule of ``core/events.py``).
"""

from catalog.events import TrackDeleting, TrackReprocessRequested, TrackUploaded
from core.events import subscribe
from streaming.services.renditions import renditions_delete_later, track_transcode_later


def transcode_uploaded(event: TrackUploaded) -> None:
    track_transcode_later(track_id=event.track_id)


def transcode_again(event: TrackReprocessRequested) -> None:
    track_transcode_later(track_id=event.track_id, force=True)


def renditions_of_deleted(event: TrackDeleting) -> None:
    renditions_delete_later(track_id=event.track_id)


def subscribe_all() -> None:
    subscribe(TrackUploaded, transcode_uploaded)
    subscribe(TrackReprocessRequested, transcode_again)
    subscribe(TrackDeleting, renditions_of_deleted)
