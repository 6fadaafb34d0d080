"""An album's loudness as one programme, measured when listeners can first play it and whenever that programme changes.

The programme is the album's ready tracks in running order, each in the
version of its renditions listeners stream. It is measured (from the tracks'
originals, as each track's own figure is: ``streaming/loudness.py``) when the
album is published, when its tracks or their order change, and when one of
its tracks is transcoded again; the catalog announces the first two
(``AlbumProgrammeChanged``), the switch of a track's renditions the last.

Measuring is idempotent: the programme's digest is kept with its figures, and
a programme measured already is not measured again. A measurement that ends
after the programme changed once more is not kept; the change queued one of
its own.
"""

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction

from catalog.models import Album, Track
from core.hotcache import hot_forget
from core.outbox import task_enqueue
from streaming import tasks
from streaming.loudness import programme_loudness
from streaming.models import AlbumLoudness
from streaming.names import stream_info_key
from streaming.transcode import TranscodeError

logger = logging.getLogger(__name__)


def _programme(album_id: int) -> list[tuple[int, str, str]]:
    """(track id, renditions version, original's name) of the album's ready tracks, in running order."""
    return list(
        Track.objects.filter(album_id=album_id, status=Track.Status.READY, media__isnull=False)
        .order_by("disc_number", "track_number", "id")
        .values_list("pk", "media__version", "original")
    )


def _programme_key(programme: Iterable[tuple[int, str, str]]) -> str:
    text = ",".join(f"{track_id}:{version}" for track_id, version, _original in programme)
    return hashlib.sha256(text.encode()).hexdigest()


def _stream_info_forget(album_id: int) -> None:
    """The tracks' stream grants carry the album's figures: forget them after commit."""
    keys = [stream_info_key(pk) for pk in Track.objects.filter(album_id=album_id).values_list("pk", flat=True)]
    if keys:
        transaction.on_commit(lambda: hot_forget(*keys))


def album_loudness_measure(*, album_id: int) -> AlbumLoudness | None:
    """Measure the published album's programme unless it was measured already; its figures, or None.

    An album with no ready track has no figures (any kept ones go). One that
    is not published keeps what it has: it is measured once it is published.
    A track whose original cannot be read or decoded leaves the figures as
    they were, and says so in the log.
    """
    status = Album.objects.filter(pk=album_id).values_list("status", flat=True).first()
    if status is None:
        return None
    programme = _programme(album_id)
    current = AlbumLoudness.objects.filter(album_id=album_id).first()
    if not programme:
        if current is not None:
            with transaction.atomic():
                AlbumLoudness.objects.filter(album_id=album_id).delete()
                _stream_info_forget(album_id)
        return None
    key = _programme_key(programme)
    if status != Album.Status.PUBLISHED or (current is not None and current.tracks_key == key):
        return current
    missing = [track_id for track_id, _version, original in programme if not original]
    if missing:
        logger.warning("Album %s: tracks %s have no original, its loudness is not measured.", album_id, missing)
        return current
    with tempfile.TemporaryDirectory(prefix="album-loudness-") as workdir:
        sources = []
        try:
            for index, (_track_id, _version, original) in enumerate(programme):
                source = Path(workdir) / f"{index:04d}"
                with default_storage.open(original, "rb") as stored, source.open("wb") as copy:
                    shutil.copyfileobj(stored, copy, length=1024 * 1024)
                sources.append(source)
        except FileNotFoundError as exc:  # anything else (storage out of reach) fails the task, which retries
            logger.warning("Album %s: an original is missing, its loudness is not measured: %s", album_id, exc)
            return current
        try:
            loudness = programme_loudness(sources)
        except TranscodeError as exc:
            logger.warning("Album %s: its loudness could not be measured: %s", album_id, exc)
            return current
    with transaction.atomic():
        Album.objects.select_for_update().filter(pk=album_id).first()
        if _programme_key(_programme(album_id)) != key:
            return current  # changed while it was measured: that change queued its own measurement
        measured, _ = AlbumLoudness.objects.update_or_create(
            album_id=album_id,
            defaults={
                "loudness_lufs": loudness.integrated_lufs,
                "true_peak_dbtp": loudness.true_peak_dbtp,
                "tracks_key": key,
            },
        )
        _stream_info_forget(album_id)
    return measured


def album_loudness_measure_later(*, album_id: int) -> None:
    """Queue the measurement of the album's programme, sent after commit (call it inside the change)."""
    task_enqueue(tasks.album_loudness_measure, album_id)


def albums_loudness_backfill(*, album_ids: Iterable[int] | None = None) -> int:
    """Queue a measurement for each published album (or each of ``album_ids``) not measured as it is; how many.

    For albums published before album loudness was measured, and after a
    restore. Idempotent: an album measured as it is gets no task.
    """
    albums = Album.objects.filter(status=Album.Status.PUBLISHED)
    if album_ids is not None:
        albums = albums.filter(pk__in=list(album_ids))
    kept = dict(AlbumLoudness.objects.filter(album__in=albums).values_list("album_id", "tracks_key"))
    queued = 0
    for album_id in albums.order_by("pk").values_list("pk", flat=True):
        programme = _programme(album_id)
        if programme and kept.get(album_id) != _programme_key(programme):
            with transaction.atomic():
                album_loudness_measure_later(album_id=album_id)
            queued += 1
    return queued


def seed_demo_album_loudness(report: Callable[[str], None]) -> None:
    """``seed_demo``'s part: the demo albums measured as one programme each (after their tracks are ready)."""
    queued = albums_loudness_backfill()
    report(f"Album loudness: {queued} album(s) measured." if queued else "Album loudness: every album measured.")
