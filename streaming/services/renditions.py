"""Turning an uploaded original into the renditions listeners stream.

A new upload is checked first (``catalog.services.tracks.track_inspect``
decodes it whole and reads its tags): one that is refused fails with its
reason and is never transcoded.

Write, then switch: a transcode fills a fresh version folder, and only once
a set of files is in place does one transaction point the track at it and
mark the track ready. A track with nothing to play yet is switched as soon
as its first rungs (``FIRST_RUNGS``) are up, while FFmpeg still makes the
rest; the rest are added to ``TrackMedia.bitrates`` once they are up in
turn, so a grant only ever offers files that exist. A track that plays
already (a forced transcode) is switched once, when every rung is up.

A worker that dies before the switch leaves a folder nothing points to, and
the retried task starts a new one; one that dies after it leaves a playable
track with part of the ladder, and the retried task makes the missing rungs
into the same folder. Before its first file goes up, a folder is noted as
being written (``RenditionWrite``); the switch forgets the note, and
:func:`renditions_sweep` deletes the folders whose note outlived any task
that could still be writing.
"""

import logging
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from catalog.models import Track
from catalog.services.tracks import track_inspect, track_mark_failed, track_mark_ready
from core.outbox import task_enqueue
from streaming import tasks
from streaming.models import RenditionWrite, TrackMedia, preview_folder
from streaming.names import hls_master_name
from streaming.storage import folder_delete, renditions_storage
from streaming.transcode import (
    LADDER,
    Rungs,
    TranscodeError,
    TranscodeResult,
    TranscodeRun,
    hls_master_merge,
    transcode_preview,
    transcode_rungs,
)

logger = logging.getLogger(__name__)


SWEEP_MARGIN = timedelta(minutes=30)
_VARIANT = re.compile(r"aac_(\d+)/")


def hls_master_capped(master: str, *, cap: int) -> str:
    """``master`` with only the variants of at most ``cap`` kbit/s."""
    lines = master.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF"):
            uri = lines[index + 1] if index + 1 < len(lines) else ""
            match = _VARIANT.match(uri)
            if match and int(match.group(1)) <= cap:
                kept += [line, uri]
        elif not kept and line.startswith("#") and not line.startswith("#EXT-X-STREAM-INF"):
            kept.append(line)
    return "\n".join(kept) + "\n"


def _cap_masters(out_dir: Path, master: str, bitrates: list[int]) -> list[str]:
    """One master playlist per plan cap, so a listener's player is offered only what they may stream.

    ``master`` lists the variants of ``bitrates``, the rungs that are up. The
    edge refuses any variant above the cap signed into the URL; these
    playlists keep players from asking for one. Returns their names.
    """
    names = [hls_master_name(kbps) for kbps in bitrates]
    for kbps, name in zip(bitrates, names, strict=True):
        (out_dir / name).write_text(hls_master_capped(master, cap=kbps))
    return names


# Files of a version go up this many at a time: a first rung is about fifteen files, and
# storage answers each PUT after a round trip, so one at a time waits out fifteen of them.
UPLOAD_THREADS = 4
_uploader: ThreadPoolExecutor | None = None


def _upload_pool() -> ThreadPoolExecutor:
    """The worker's upload threads, made on first use and kept, each with its own storage connection.

    Called as a transcode starts: a new pool opens its threads' connections
    (an S3 client each, costly to make) while FFmpeg runs, not when the first
    files wait for them.
    """
    global _uploader  # one pool per worker process, made after the fork
    if _uploader is None:
        _uploader = ThreadPoolExecutor(max_workers=UPLOAD_THREADS, thread_name_prefix="rendition-upload")
        storage = renditions_storage()
        if hasattr(type(storage), "connection"):
            for _ in range(UPLOAD_THREADS):
                _uploader.submit(getattr, storage, "connection")
    return _uploader


def _upload(out_dir: Path, folder: str, names: list[str], *, replace: bool = False) -> None:
    """Upload ``names`` (relative to ``out_dir``) into ``folder``; ``replace``: over files of the same name.

    Several at a time; returns once every upload has ended, and raises the
    first failure once the others have ended too, so nothing is still being
    written when the caller cleans up.
    """
    storage = renditions_storage()
    overwrites = getattr(storage, "file_overwrite", False)  # S3: a save replaces the object whole

    def put(name: str) -> None:
        target = f"{folder}{name}"
        if replace and not overwrites and storage.exists(target):
            storage.delete(target)  # on disk, where a save would pick another name
        with (out_dir / name).open("rb") as content:
            storage.save(target, File(content))

    if len(names) <= 1:
        for name in names:
            put(name)
        return
    futures = [_upload_pool().submit(put, name) for name in names]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
    finally:
        # After a failure, or the task's time limit striking here: the files not started are
        # not sent, and those under way end before the caller deletes the folder.
        for future in futures:
            future.cancel()
        wait(futures)
    for future in futures:
        future.result()  # the first failure, if any (the ones cancelled come after it)


def track_transcode_later(*, track_id: int, force: bool = False) -> None:
    """Queue the track's transcode, sent after commit (``force``: again, even when it is ready)."""
    if force:
        task_enqueue(tasks.track_transcode, track_id, True)
    else:
        task_enqueue(tasks.track_transcode, track_id)


def renditions_delete_later(*, track_id: int) -> None:
    """Queue the deletion of the track's renditions, sent after commit; called before the track's row goes."""
    version = TrackMedia.objects.filter(track_id=track_id).values_list("version", flat=True).first()
    if version:
        task_enqueue(tasks.renditions_delete, track_id, version)


def _fail(track_id: int, reason: str) -> None:
    """A track with nothing to play fails; one that plays already keeps playing, with the reason noted."""
    track_mark_failed(track_id=track_id, reason=reason, playable=TrackMedia.objects.filter(track_id=track_id).exists())


def track_transcode(*, track_id: int, force: bool = False) -> TrackMedia | None:
    """Make the renditions of a track and switch it to them (idempotent unless ``force``).

    A track that plays with part of the ladder (its transcode died after the
    first rungs were up) gets the missing rungs.
    """
    track = Track.objects.filter(pk=track_id).select_related("media").first()
    if track is None:
        return None  # deleted meanwhile: nothing to do
    current = getattr(track, "media", None)
    if current is not None and track.status == Track.Status.READY and not force:
        missing = sorted(set(LADDER) - set(current.bitrates))
        return _rungs_complete(track=track, media=current, missing=missing) if missing else current
    if not track.original:
        return None  # refused when it was checked: nothing is kept to transcode
    version = secrets.token_hex(8)
    folder = f"renditions/{track_id}/{version}/"
    with tempfile.TemporaryDirectory(prefix="transcode-") as workdir:
        source = Path(workdir) / "original"
        if not _original_copy(track=track, source=source):
            return None
        # An upload is decoded for the first time here, never in the request that brought it.
        if not track_inspect(track_id=track_id, source=source):
            return None  # refused, with its reason on the track, or deleted meanwhile
        out_dir = Path(workdir) / "out"
        switched = False
        try:
            with TranscodeRun(source, out_dir) as run:
                _upload_pool()
                first = run.first()
                master = (out_dir / first.hls_master).read_text()
                ready = [r.bitrate for r in first.renditions]
                masters = _cap_masters(out_dir, master, ready)
                RenditionWrite.objects.create(track_id=track_id, version=version)
                _upload(out_dir, folder, [name for name in first.files if name != first.hls_master] + masters)
                if current is None:  # nothing plays yet: the first rungs make the track playable now
                    if _switch(track_id=track_id, version=version, result=first, bitrates=ready) is None:
                        return None
                    switched = True
                rest = run.rest()  # FFmpeg has gone on with the other rungs meanwhile
            media = _rest_publish(
                track_id=track_id,
                version=version,
                out_dir=out_dir,
                rest=rest,
                master=master,
                ready=ready,
                result=None if switched else first,
            )
            if media is not None:
                media = _preview_publish(media=media, source=source, out_dir=Path(workdir) / "preview") or media
            return media
        except Exception as exc:
            if not switched:
                _folder_forget(track_id, version)  # never pointed to; the retry writes a new one
            if isinstance(exc, TranscodeError):
                _fail(track_id, str(exc))  # after the switch, the track keeps playing what is up
                return None
            raise


def _original_copy(*, track: Track, source: Path) -> bool:
    """Copy the track's original from storage to ``source``; a missing one fails the track."""
    try:
        with default_storage.open(track.original.name, "rb") as original, source.open("wb") as copy:
            shutil.copyfileobj(original, copy, length=1024 * 1024)
    except FileNotFoundError:
        _fail(track.pk, "The uploaded file is missing from storage.")
        return False
    return True


def _rungs_complete(*, track: Track, media: TrackMedia, missing: list[int]) -> TrackMedia | None:
    """Make the rungs a playable track lacks into its current folder, and offer them once they are up."""
    if not track.original:
        return media
    with tempfile.TemporaryDirectory(prefix="transcode-") as workdir:
        source = Path(workdir) / "original"
        if not _original_copy(track=track, source=source):
            return None
        try:
            rest = transcode_rungs(source, Path(workdir) / "out", bitrates=missing)
        except TranscodeError as exc:
            _fail(track.pk, str(exc))
            return None
        with renditions_storage().open(f"{media.folder}{hls_master_name(max(media.bitrates))}", "rb") as file:
            master = file.read().decode()
        return _rest_publish(
            track_id=track.pk,
            version=media.version,
            out_dir=Path(workdir) / "out",
            rest=rest,
            master=master,
            ready=list(media.bitrates),
            result=None,
        )


def _rest_publish(
    *,
    track_id: int,
    version: str,
    out_dir: Path,
    rest: Rungs,
    master: str,
    ready: list[int],
    result: TranscodeResult | None,
) -> TrackMedia | None:
    """Upload the rest of the rungs next to the ``ready`` ones, then offer them all.

    ``master`` lists the ready variants. With a ``result`` the folder is not
    pointed to yet and the track is switched to it; without, the track points
    to it already and its bitrates grow.
    """
    folder = f"renditions/{track_id}/{version}/"
    bitrates = sorted({*ready, *(r.bitrate for r in rest.renditions)})
    if rest.renditions:
        master = hls_master_merge(master, (out_dir / rest.hls_master).read_text())
    masters = _cap_masters(out_dir, master, bitrates)
    # Files first, then the playlists that name them, then the row that offers them.
    _upload(out_dir, folder, [name for name in rest.files if name != rest.hls_master], replace=True)
    _upload(out_dir, folder, masters, replace=True)
    if result is not None:
        return _switch(track_id=track_id, version=version, result=result, bitrates=bitrates)
    return _rungs_add(track_id=track_id, version=version, bitrates=bitrates)


@transaction.atomic
def _switch(*, track_id: int, version: str, result: TranscodeResult, bitrates: list[int]) -> TrackMedia | None:
    # Marked ready first, which locks the track's row until commit: readers see all of it or none.
    track = track_mark_ready(track_id=track_id, duration_ms=result.duration_ms)
    if track is None:
        task_enqueue(tasks.renditions_delete, track_id, version)
        return None
    RenditionWrite.objects.filter(track_id=track_id, version=version).delete()  # pointed to from now on
    old = TrackMedia.objects.filter(track=track).values_list("version", flat=True).first()
    media, _ = TrackMedia.objects.update_or_create(
        track=track,
        defaults={
            "version": version,
            "codec": result.renditions[0].codec,
            "bitrates": sorted(bitrates),
            "duration_ms": result.duration_ms,
            "loudness_lufs": result.loudness.integrated_lufs,
            "true_peak_dbtp": result.loudness.true_peak_dbtp,
            "loudness_range_lu": result.loudness.range_lu,
            "waveform": result.peaks,
            # The preview belongs to a version: the new one has none until it is made.
            "preview_start_ms": None,
            "preview_ms": None,
        },
    )
    if old and old != version:
        task_enqueue(tasks.renditions_delete, track_id, old)
    return media


@transaction.atomic
def _rungs_add(*, track_id: int, version: str, bitrates: list[int]) -> TrackMedia | None:
    """Offer ``bitrates`` of the version the track plays from; None if it plays from another one by now."""
    media = TrackMedia.objects.select_for_update().filter(track_id=track_id).first()
    if media is None or media.version != version:
        # Switched to another version (or deleted) meanwhile: what was just written belongs to nothing.
        task_enqueue(tasks.renditions_delete, track_id, version)
        return None
    media.bitrates = sorted(bitrates)
    media.save(update_fields=["bitrates"])
    return media


def track_transcode_overran(*, track_id: int) -> None:
    """The transcode ran past the task's soft time limit: fail the track with that reason (or keep what plays)."""
    minutes = settings.CELERY_TASK_SOFT_TIME_LIMIT // 60
    _fail(track_id, f"Processing took longer than {minutes} minutes and was stopped. Try a shorter or simpler file.")


# A track still processing this long after its last change has no transcode coming: none was
# queued (the broker was down at upload), or its retries ran out (storage was down for longer).
# The same holds for a track that plays with part of the ladder this long after it was
# switched to its first rungs: the retries of the transcode that was to make the rest ran out.
PROCESSING_STUCK_AFTER = timedelta(hours=1)


def tracks_processing_resume(*, now: datetime | None = None) -> int:
    """Queue the transcode of every track left stuck; how many (idempotent: a duplicate finds it done).

    Stuck: still processing, or playing with only part of the ladder while no
    failure was noted (one that was, FFmpeg's own reason, would fail again).
    The transcode of a ready track makes only the rungs it lacks.
    """
    cutoff = (now or timezone.now()) - PROCESSING_STUCK_AFTER
    stuck = list(
        Track.objects.filter(status=Track.Status.PROCESSING, updated_at__lt=cutoff).values_list("pk", flat=True)
    )
    partial = list(
        Track.objects.filter(status=Track.Status.READY, failure_reason="", updated_at__lt=cutoff, media__isnull=False)
        .exclude(media__bitrates=list(LADDER))
        .values_list("pk", flat=True)
    )
    for track_id in stuck:
        logger.warning("Track %s has been processing since before %s: queueing its transcode again.", track_id, cutoff)
        tasks.track_transcode.delay(track_id)
    for track_id in partial:
        logger.warning("Track %s plays with part of its renditions: queueing the rest again.", track_id)
        tasks.track_transcode.delay(track_id)
    return len(stuck) + len(partial)


def renditions_delete(*, track_id: int, version: str) -> None:
    """Delete a version folder that no track points to any more."""
    if TrackMedia.objects.filter(track_id=track_id, version=version).exists():
        logger.warning("Not deleting renditions/%s/%s/: it is in use.", track_id, version)
        return
    _folder_forget(track_id, version)


def _folder_forget(track_id: int, version: str) -> None:
    """Delete the folder's files and its preview's, then the note that it was being written (retried on failure)."""
    folder_delete(f"renditions/{track_id}/{version}/")
    folder_delete(preview_folder(track_id=track_id, version=version))
    RenditionWrite.objects.filter(track_id=track_id, version=version).delete()


def renditions_sweep(*, now: datetime | None = None) -> int:
    """Delete the folders that dead transcodes left half-written; how many (periodic, idempotent).

    A note older than the transcode's hard time limit (and a margin) belongs to
    a task that can no longer be writing: Celery has killed it by then.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - SWEEP_MARGIN
    swept = 0
    for track_id, version in RenditionWrite.objects.filter(started_at__lt=cutoff).values_list("track_id", "version"):
        if TrackMedia.objects.filter(track_id=track_id, version=version).exists():
            RenditionWrite.objects.filter(track_id=track_id, version=version).delete()  # in use: keep the files
            continue
        logger.info("Sweeping renditions/%s/%s/, left half-written by a transcode that died.", track_id, version)
        _folder_forget(track_id, version)
        swept += 1
    return swept


def _preview_publish(*, media: TrackMedia, source: Path, out_dir: Path) -> TrackMedia | None:
    """Make the preview of ``media``'s version from ``source``, upload it, then note it on the track's media.

    None when the track plays from another version by now (what was written is
    deleted with that version's folder). A preview FFmpeg cannot make is
    logged, not a failure of the track: listeners play the track all the same.
    """
    try:
        preview = transcode_preview(source, out_dir, duration_ms=media.duration_ms, seconds=settings.PREVIEW_SECONDS)
    except TranscodeError as exc:
        logger.warning("No preview for track %s: %s", media.track_id, exc)
        return None
    _upload(out_dir, preview_folder(track_id=media.track_id, version=media.version), [preview.path], replace=True)
    with transaction.atomic():
        current = TrackMedia.objects.select_for_update().filter(track_id=media.track_id).first()
        if current is None or current.version != media.version:
            return None
        current.preview_start_ms, current.preview_ms = preview.start_ms, preview.duration_ms
        current.save(update_fields=["preview_start_ms", "preview_ms"])
    return current


def track_preview_make(*, track_id: int) -> TrackMedia | None:
    """Make the preview of a playable track that has none (idempotent: one that has one is left as it is).

    Made from the original when it is kept, else from the best rendition up.
    """
    media = TrackMedia.objects.filter(track_id=track_id).select_related("track").first()
    if media is None or media.preview_ms is not None:
        return media
    track = media.track
    best = (renditions_storage(), f"{media.folder}aac_{max(media.bitrates)}.m4a")
    sources = [(default_storage, track.original.name), best] if track.original else [best]
    with tempfile.TemporaryDirectory(prefix="preview-") as workdir:
        source = Path(workdir) / "source"
        for storage, name in sources:
            try:
                with storage.open(name, "rb") as original, source.open("wb") as copy:
                    shutil.copyfileobj(original, copy, length=1024 * 1024)
                break
            except FileNotFoundError:
                logger.warning("No preview for track %s from %s: it is missing from storage.", track_id, name)
        else:
            return media
        return _preview_publish(media=media, source=source, out_dir=Path(workdir) / "out") or media


def _previews_missing() -> list[int]:
    """The playable tracks without a preview, by id."""
    missing = TrackMedia.objects.filter(preview_ms__isnull=True, track__status=Track.Status.READY)
    return list(missing.order_by("track_id").values_list("track_id", flat=True))


def previews_make_missing(*, limit: int | None = None) -> int:
    """Make here and now the preview of every playable track without one; how many were made (idempotent)."""
    made = 0
    for track_id in _previews_missing()[:limit]:
        media = track_preview_make(track_id=track_id)
        made += media is not None and media.preview_ms is not None
    return made


def seed_demo_previews(report: Callable[[str], None]) -> None:
    """``seed_demo``'s step: the previews of demo tracks transcoded before previews were made."""
    made = previews_make_missing()
    if made:
        report(f"Made the previews of {made} demo track(s).")


def previews_backfill(*, limit: int | None = None) -> int:
    """Queue the preview of every playable track without one; how many (idempotent: each skips a track that has one).

    Through the outbox, so a broker that is down delays them rather than losing them.
    """
    track_ids = _previews_missing()[:limit]
    with transaction.atomic():
        for track_id in track_ids:
            task_enqueue(tasks.track_preview_make, track_id)
    return len(track_ids)
