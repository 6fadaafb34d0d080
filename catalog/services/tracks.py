"""Tracks: uploaded by an artist's members, stored, then checked and processed by a task.

The request that uploads a file does only what is cheap: it refuses an empty
or oversized file, stores the bytes and creates the track in ``processing``.
Nothing in the request decodes the file. The worker does (``track_inspect``,
called by the transcode task before it transcodes): what is not sound,
whole audio within the limits fails the track with a reason the artist sees,
and its original is deleted; what is, has its tags read into the track.
"""

import io
import logging
import math
import re
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path, PurePosixPath, PureWindowsPath

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import tasks
from catalog.access import require_edit
from catalog.artwork import ARTWORK_SIZES, ArtworkError, artwork_name, artwork_store
from catalog.audio import SIGNATURE_BYTES, AudioInfo, AudioProbeError, audio_suffix, audio_verify
from catalog.events import TrackDeleting, TrackReprocessRequested, TrackUploaded
from catalog.lyrics import MAX_LRC_BYTES, ParsedLyrics, language_clean, lrc_parse, lyrics_clean, lyrics_decode
from catalog.models import Album, Artist, Genre, Lyrics, Track
from catalog.services.albums import album_create
from catalog.services.artists import genre_get_or_create, genres_get_or_create
from catalog.services.lyrics import lyrics_import
from catalog.tags import AudioTags, TagError, tags_read
from core.events import announce
from core.outbox import task_enqueue

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = frozenset({"title", "explicit", "isrc", "year"})
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
# A track is sent to be processed again at most once in this long.
REPROCESS_INTERVAL = timedelta(minutes=10)


class ReprocessTooSoonError(ValidationError):
    """The track was sent to be processed again a moment ago; ``retry_after`` seconds until it may be again."""

    def __init__(self, *, retry_after: int) -> None:
        minutes = int(REPROCESS_INTERVAL.total_seconds()) // 60
        super().__init__(
            f"This track was sent to be processed again less than {minutes} minutes ago: "
            "wait for that to finish before asking again.",
            code="reprocess_too_soon",
        )
        self.retry_after = retry_after


def upload_filename(name: str | None) -> str:
    """The bare file name a person sees: no folders, no control characters, bounded."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:255] or "upload"


def _title_from(filename: str) -> str:
    """The title a track has until its tags are read (and keeps, untagged)."""
    return PurePosixPath(filename).stem[:300] or "Untitled"


def _check(file: File) -> str:
    """Refuse what is plainly unusable without decoding a byte; the stored original's extension."""
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(value)s MB.") % {"value": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    file.seek(0)
    suffix = audio_suffix(file.read(SIGNATURE_BYTES))
    file.seek(0)
    return suffix


def _album_from_tags(*, artist: Artist, by: User, tags: AudioTags, blobs: list[str]) -> Album | None:
    """The artist's unpublished album the tags name, made as a draft when there is none."""
    if not tags.album:
        return None
    album = (
        Album.objects.filter(artist=artist, title__iexact=tags.album)
        .exclude(status__in=[Album.Status.PUBLISHED, Album.Status.SCHEDULED])
        .order_by("-created_at")
        .first()
    )
    if album is None:
        album = album_create(artist_id=artist.pk, by=by, title=tags.album)
    if tags.artwork and not album.artwork:
        try:
            album.artwork.name = artwork_store(io.BytesIO(tags.artwork), prefix=f"albums/{album.pk}")
        except ArtworkError:
            return album  # broken embedded art is no reason to refuse the audio
        blobs.extend(artwork_name(album.artwork.name, size) for size in ARTWORK_SIZES)
        album.save(update_fields=["artwork", "updated_at"])
    return album


def _free_position(album: Album, *, disc: int, number: int | None) -> int:
    taken = album.tracks.filter(disc_number=disc)
    if number is not None and not taken.filter(track_number=number).exists():
        return number
    return (taken.aggregate(last=Max("track_number"))["last"] or 0) + 1


# What the blob storage raises when it cannot be reached or refuses to answer: S3 (botocore) or a disk.
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


class StorageUnavailableError(Exception):
    """The file could not be stored, so nothing was kept: the storage is down or failing."""

    message = "The file store is not answering just now, so the upload was not kept. Try again in a few minutes."

    def __init__(self) -> None:
        super().__init__(self.message)


def _lrc_read(file: File) -> ParsedLyrics:
    """The lines of an .lrc uploaded beside the audio, checked (all but the track's end, unknown yet)."""
    parsed = lrc_parse(lyrics_decode(file.read(MAX_LRC_BYTES + 1)))
    lyrics_clean(parsed.lines, duration_ms=None)
    language_clean(parsed.language)
    return parsed


def track_upload(*, artist: Artist, by: User, file: File, lyrics: File | None = None) -> Track:
    """Store one uploaded file as a track in state ``processing``, named after the file.

    ``lyrics``, an .lrc file uploaded beside the audio, becomes the track's
    draft lyrics; one that breaks the rules refuses the whole upload, with
    the reason, before anything is stored. Their times are checked against
    the track's length when they are published.

    Only an empty or oversized file is refused here; a storage that fails raises
    ``StorageUnavailableError`` and keeps nothing. After commit the
    transcode task checks the audio (``track_inspect``) and its tags prefill
    the track. Runs in a transaction of its own: call it outside one.
    Announces ``TrackUploaded`` in it (streaming queues the transcode).
    """
    require_edit(artist_id=artist.pk, user=by)
    filename = upload_filename(file.name)
    suffix = _check(file)
    parsed = _lrc_read(lyrics) if lyrics is not None else None
    name = f"originals/{artist.pk}/{uuid.uuid4().hex}{suffix}"
    try:
        original = default_storage.save(name, file)
    except STORAGE_ERRORS as exc:
        # The store may have kept what it could not confirm (an answer lost on the way back).
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("Could not delete %s after a failed upload; it may be left in storage.", name)
        logger.warning("Storage refused an upload for artist %s: %r", artist.pk, exc)
        raise StorageUnavailableError from exc
    try:
        with transaction.atomic():
            track = Track(
                title=_title_from(filename),
                artist=artist,
                original=original,
                original_filename=filename,
                uploaded_by=by,
            )
            track.full_clean()
            track.save()
            if parsed is not None and parsed.lines:
                lyrics_import(
                    track=track,
                    lines=parsed.lines,
                    language=parsed.language,
                    written_by=parsed.written_by,
                    source=Lyrics.Source.LRC,
                )
            announce(TrackUploaded(track_id=track.pk))
    except Exception:
        default_storage.delete(original)
        raise
    return track


def track_inspect(*, track_id: int, source: Path) -> bool:
    """Check an uploaded original, decoded whole (in the worker), and fill its track from the tags.

    ``source`` is a local copy of the original. Returns whether the track
    goes on to be transcoded. Audio that is not one of the accepted formats,
    damaged, cut short, shorter than a second, longer than
    ``UPLOAD_MAX_SECONDS`` or with an unusable tag fails the track with the
    reason, and its original is deleted. A track checked already (its
    duration is known) is left as it is, so a task run twice does no harm.
    """
    track = Track.objects.filter(pk=track_id).first()
    if track is None or not track.original:
        return False  # deleted meanwhile, or refused already
    if track.duration_ms is not None:
        return True
    try:
        info = audio_verify(source, max_seconds=settings.UPLOAD_MAX_SECONDS)
        tags = tags_read(source)
    except (AudioProbeError, TagError) as exc:
        _track_refuse(track=track, reason=str(exc))
        return False
    _track_fill(track_id=track_id, info=info, tags=tags)
    return True


def _track_refuse(*, track: Track, reason: str) -> None:
    """Fail the track with the reason and delete its original: nothing unusable is kept."""
    default_storage.delete(track.original.name)  # first: a failure here is retried with the row unchanged
    Track.objects.filter(pk=track.pk).update(status=Track.Status.FAILED, failure_reason=reason[:500], original="")


def _track_fill(*, track_id: int, info: AudioInfo, tags: AudioTags) -> None:
    """Fill what the artist has not set yet from the tags: title, album and position, year, genre, guests."""
    blobs: list[str] = []
    try:
        with transaction.atomic():
            track = Track.objects.select_for_update().filter(pk=track_id).first()
            if track is None:
                return
            # One upload of an artist at a time places itself, so two never make the same album twice.
            artist = Artist.objects.select_for_update().get(pk=track.artist_id)
            track.duration_ms = info.duration_ms
            if tags.title and track.title == _title_from(track.original_filename):
                track.title = tags.title
            if track.year is None:
                track.year = tags.year
            if track.album_id is None and track.uploaded_by is not None:
                try:
                    album = _album_from_tags(artist=artist, by=track.uploaded_by, tags=tags, blobs=blobs)
                except PermissionDenied:
                    album = None  # the uploader has left the artist since: its members file the track
                if album is not None:
                    disc = tags.disc_number or 1
                    track.album, track.disc_number = album, disc
                    track.track_number = _free_position(album, disc=disc, number=tags.track_number)
            track.full_clean()
            track.save(
                update_fields=["duration_ms", "title", "year", "album", "disc_number", "track_number", "updated_at"]
            )
            if tags.genre and not track.genres.exists():
                track.genres.set([genre_get_or_create(name=tags.genre)])
            featured = [name for name in tags.artists if name.casefold() != artist.name.casefold()]
            if featured and not track.featured_artists.exists():
                track.featured_artists.set(Artist.objects.filter(name__in=featured))
            _lyrics_from_tags(track=track, tags=tags)
    except Exception:
        for name in blobs:
            default_storage.delete(name)
        raise


def _lyrics_from_tags(*, track: Track, tags: AudioTags) -> None:
    """Keep the file's lyrics as the track's draft, for its members to check and publish.

    Lyrics that break the rules (see ``catalog.lyrics``) are left out, with the
    reason in the log: the track itself is fine.
    """
    if tags.lyrics_refused:
        logger.info("Lyrics in the tags of track %s left out: %s", track.pk, tags.lyrics_refused)
    if tags.lyrics is None or not tags.lyrics.lines:
        return
    try:
        lyrics_import(
            track=track,
            lines=tags.lyrics.lines,
            language=tags.lyrics.language,
            written_by=tags.lyrics.written_by,
            source=Lyrics.Source.TAGS,
        )
    except ValidationError as exc:
        logger.info("Lyrics in the tags of track %s left out: %s", track.pk, " ".join(exc.messages))


@transaction.atomic
def track_update(
    *,
    track: Track,
    by: User,
    genres: Iterable[Genre] | None = None,
    genre_names: Iterable[str] | None = None,
    featured_artists: Iterable[Artist] | None = None,
    **changes: object,
) -> Track:
    """Change the track's details; its genres too when ``genres`` or ``genre_names`` is given (new names made)."""
    require_edit(artist_id=track.artist_id, user=by)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(value)s.") % {"value": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(track, name, value.strip() if isinstance(value, str) else value)
    if track.isrc:
        track.isrc = track.isrc.replace("-", "").upper()
        if not ISRC.match(track.isrc):
            raise ValidationError({"isrc": _("An ISRC has 12 characters, like USRC17607839.")})
    track.full_clean()
    if genres is not None or genre_names is not None:
        genres = [*(genres or ()), *genres_get_or_create(names=genre_names or ())]
    if changes:
        track.save(update_fields=[*changes, "updated_at"])
    if genres is not None:
        track.genres.set(genres)
    if featured_artists is not None:
        track.featured_artists.set([a for a in featured_artists if a.pk != track.artist_id])
    return track


def _reprocess_key(track_id: int) -> str:
    return f"catalog:reprocess:{track_id}"


def track_reprocess(*, track: Track, by: User) -> Track:
    """Transcode the original again; the track keeps playing its current renditions meanwhile.

    At most once per track in ``REPROCESS_INTERVAL`` (``ReprocessTooSoonError``
    otherwise, and nothing is queued), so that asking in a loop cannot keep
    the transcode workers busy.
    """
    require_edit(artist_id=track.artist_id, user=by)
    if not track.original:
        raise ValidationError(_("The uploaded file was refused and is not kept: upload it again."), code="no_original")
    interval = int(REPROCESS_INTERVAL.total_seconds())
    if not cache.add(_reprocess_key(track.pk), time.time() + interval, timeout=interval):
        until = cache.get(_reprocess_key(track.pk)) or time.time() + interval
        raise ReprocessTooSoonError(retry_after=min(interval, max(1, math.ceil(until - time.time()))))
    try:
        with transaction.atomic():
            Track.objects.filter(pk=track.pk, status=Track.Status.FAILED).update(
                status=Track.Status.PROCESSING, failure_reason=""
            )
            track.refresh_from_db()
            announce(TrackReprocessRequested(track_id=track.pk))
    except Exception:
        cache.delete(_reprocess_key(track.pk))  # nothing was queued: the next request may
        raise
    return track


@transaction.atomic
def track_delete(*, track: Track, by: User) -> None:
    """Delete the track; its original goes after commit, in a task.

    Announces ``TrackDeleting`` just before the row goes (streaming queues the
    deletion of the renditions).
    """
    require_edit(artist_id=track.artist_id, user=by)
    names = [track.original.name] if track.original else []
    announce(TrackDeleting(track_id=track.pk))
    track.delete()
    if names:
        task_enqueue(tasks.blobs_delete, names)


def track_mark_ready(*, track_id: int, duration_ms: int) -> Track | None:
    """Mark the track ready to play, ``duration_ms`` long, with no failure; None if it was deleted meanwhile.

    Called by processing when the renditions are in place, inside the
    transaction that points the track at them: the row stays locked until
    that transaction ends, so two transcodes finishing together switch one
    after the other.
    """
    track = Track.objects.select_for_update().filter(pk=track_id).first()
    if track is None:
        return None
    track.status, track.failure_reason, track.duration_ms = Track.Status.READY, "", duration_ms
    track.save(update_fields=["status", "failure_reason", "duration_ms", "updated_at"])
    return track


def track_mark_failed(*, track_id: int, reason: str, playable: bool = False) -> None:
    """Processing failed for ``reason``: a track with nothing to play fails with it, for the artist to read.

    A ``playable`` one (its earlier renditions are still in place: a
    reprocessing failed) stays ready and keeps playing, with the reason noted.
    """
    tracks = Track.objects.filter(pk=track_id)
    if playable:
        tracks.update(status=Track.Status.READY, failure_reason=f"Reprocessing failed: {reason}"[:500])
    else:
        tracks.update(status=Track.Status.FAILED, failure_reason=reason[:500])
