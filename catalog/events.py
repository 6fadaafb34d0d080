"""What the catalog announces, for the apps above it to act on (``core.events``).

Catalog's services announce these inside the transaction of the change; the
apps that listen subscribe in their ``AppConfig.ready``:

- ``TrackUploaded``, ``TrackReprocessRequested``: streaming queues the
  transcode.
- ``TrackDeleting``: streaming queues the deletion of the track's renditions.
  Announced just before the row goes, so a handler can still read what hangs
  on it.
- ``AlbumProgrammeChanged``: streaming queues the measurement of the album's
  loudness as one programme.
- ``CatalogRowsChanged``: search queues the update of the rows' entries. For
  the bulk writes (``QuerySet.update``, ``bulk_update``) that send no model
  signals; a plain ``save()`` or ``delete()`` reaches search through its
  signals already.
"""

from dataclasses import dataclass
from typing import Literal

from core.events import Event

CatalogKind = Literal["track", "album", "artist"]


@dataclass(frozen=True)
class TrackUploaded(Event):
    """A track was made from an uploaded file, in ``processing``: its original waits to be checked and transcoded."""

    track_id: int


@dataclass(frozen=True)
class TrackReprocessRequested(Event):
    """Someone who edits the artist asked for the track's original to be transcoded again."""

    track_id: int


@dataclass(frozen=True)
class TrackDeleting(Event):
    """The track is about to be deleted, in this transaction; its row and what hangs on it are still there."""

    track_id: int


@dataclass(frozen=True)
class AlbumProgrammeChanged(Event):
    """The album was published, or which tracks it has or their running order changed."""

    album_id: int


@dataclass(frozen=True)
class CatalogRowsChanged(Event):
    """Rows of one kind changed in bulk (no model signal was sent): their derived copies are out of date."""

    kind: CatalogKind
    ids: tuple[int, ...]
