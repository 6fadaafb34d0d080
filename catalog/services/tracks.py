"""Tracks: uploaded by an artist's members, checked, stored, then processed by a task.

An upload is decoded whole before anything is written, so that what is not
sound, whole audio within the limits is refused with a reason and leaves no
row and no blob behind.
"""

import io
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from catalog import tasks
from catalog.access import require_edit
from catalog.artwork import ARTWORK_SIZES, ArtworkError, artwork_name, artwork_store
from catalog.audio import AudioInfo, AudioProbeError, audio_verify
from catalog.models import Album, Artist, Genre, Track
from catalog.services.albums import album_create
from catalog.services.artists import genre_get_or_create
from catalog.tags import AudioTags, TagError, tags_read
from streaming import tasks as streaming_tasks
from streaming.models import TrackMedia

EDITABLE_FIELDS = frozenset({"title", "explicit", "isrc", "year"})
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
SUFFIXES = {
    "mp3": ".mp3",
    "flac": ".flac",
    "wav": ".wav",
    "aiff": ".aiff",
    "mov,mp4,m4a,3gp,3g2,mj2": ".m4a",
    "matroska,webm": ".mka",
}


def upload_filename(name: str | None) -> str:
    """The bare file name a person sees: no folders, no control characters, bounded."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:255] or "upload"


@contextmanager
def _local_copy(file: File) -> Iterator[Path]:
    """A path on local disk with the upload's bytes (Django has one already for big files)."""
    path = getattr(file, "temporary_file_path", None)
    if path is not None:
        yield Path(path())
        return
    with tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        file.seek(0)
        shutil.copyfileobj(file, copy, length=1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def _inspect(file: File) -> tuple[AudioInfo, AudioTags]:
    if not file.size:
        raise ValidationError("The file is empty.", code="empty")
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", code="too_big"
        )
    with _local_copy(file) as path:
        try:
            info = audio_verify(path, max_seconds=settings.UPLOAD_MAX_SECONDS)
            tags = tags_read(path)
        except (AudioProbeError, TagError) as exc:
            raise ValidationError(str(exc), code="not_audio") from exc
    return info, tags


def _suffix(info: AudioInfo) -> str:
    if info.container == "ogg":
        return ".opus" if info.codec in {"opus", "libopus"} else ".ogg"
    return SUFFIXES.get(info.container, ".audio")


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


def track_upload(*, artist: Artist, by: User, file: File) -> Track:
    """Check and store one uploaded audio file as a track in state ``processing``.

    Its tags prefill the track: title, featured artists (when they are in the
    catalog), genre, year, and the draft album they name, with its position
    and embedded artwork. Runs in a transaction of its own: call it outside one.
    """
    require_edit(artist_id=artist.pk, user=by)
    filename = upload_filename(file.name)
    info, tags = _inspect(file)
    file.seek(0)
    blobs = [default_storage.save(f"originals/{artist.pk}/{uuid.uuid4().hex}{_suffix(info)}", file)]
    try:
        with transaction.atomic():
            album = _album_from_tags(artist=artist, by=by, tags=tags, blobs=blobs)
            disc = tags.disc_number or 1
            track = Track(
                title=tags.title or PurePosixPath(filename).stem[:300] or "Untitled",
                artist=artist,
                album=album,
                disc_number=disc,
                track_number=_free_position(album, disc=disc, number=tags.track_number) if album else None,
                duration_ms=info.duration_ms,
                year=tags.year,
                original=blobs[0],
                original_filename=filename,
                uploaded_by=by,
            )
            track.full_clean()
            track.save()
            if tags.genre:
                track.genres.set([genre_get_or_create(name=tags.genre)])
            featured = [name for name in tags.artists if name.casefold() != artist.name.casefold()]
            if featured:
                track.featured_artists.set(Artist.objects.filter(name__in=featured))
            transaction.on_commit(lambda: streaming_tasks.track_transcode.delay(track.pk))
    except Exception:
        for name in blobs:
            default_storage.delete(name)
        raise
    return track


@transaction.atomic
def track_update(
    *,
    track: Track,
    by: User,
    genres: Iterable[Genre] | None = None,
    featured_artists: Iterable[Artist] | None = None,
    **changes: object,
) -> Track:
    require_edit(artist_id=track.artist_id, user=by)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(track, name, value.strip() if isinstance(value, str) else value)
    if track.isrc:
        track.isrc = track.isrc.replace("-", "").upper()
        if not ISRC.match(track.isrc):
            raise ValidationError({"isrc": "An ISRC has 12 characters, like USRC17607839."})
    track.full_clean()
    if changes:
        track.save(update_fields=[*changes, "updated_at"])
    if genres is not None:
        track.genres.set(genres)
    if featured_artists is not None:
        track.featured_artists.set([a for a in featured_artists if a.pk != track.artist_id])
    return track


@transaction.atomic
def track_reprocess(*, track: Track, by: User) -> Track:
    require_edit(artist_id=track.artist_id, user=by)
    """Transcode the original again; the track keeps playing its current renditions meanwhile."""
    Track.objects.filter(pk=track.pk, status=Track.Status.FAILED).update(
        status=Track.Status.PROCESSING, failure_reason=""
    )
    track.refresh_from_db()
    transaction.on_commit(lambda: streaming_tasks.track_transcode.delay(track.pk, True))
    return track


@transaction.atomic
def track_delete(*, track: Track, by: User) -> None:
    """Delete the track; its original and renditions go after commit, in tasks."""
    require_edit(artist_id=track.artist_id, user=by)
    track_id = track.pk
    names = [track.original.name] if track.original else []
    version = TrackMedia.objects.filter(track_id=track_id).values_list("version", flat=True).first()
    track.delete()
    if names:
        transaction.on_commit(lambda: tasks.blobs_delete.delay(names))
    if version:
        transaction.on_commit(lambda: streaming_tasks.renditions_delete.delay(track_id, version))
