"""Writes on the catalog: artists and their members, albums, tracks."""

import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from catalog.artwork import artwork_delete, artwork_store
from catalog.audio import AudioProbeError, audio_probe
from catalog.models import Album, Artist, ArtistMembership, Genre, Track


def _unique_slug(base: str, *, taken: Iterable[str]) -> str:
    taken_set = set(taken)
    slug = base or "untitled"
    n = 2
    while slug in taken_set:
        slug = f"{base}-{n}"
        n += 1
    return slug


def artist_is_member(*, artist: Artist, user: User, owner: bool = False) -> bool:
    memberships = ArtistMembership.objects.filter(artist=artist, user_id=user.pk)
    if owner:
        memberships = memberships.filter(role=ArtistMembership.Role.OWNER)
    return memberships.exists()


@transaction.atomic
def artist_create(*, name: str, owner: User, bio: str = "", verified: bool = False) -> Artist:
    """A new artist page, owned by ``owner``."""
    base = slugify(name)[:200]
    slug = _unique_slug(base, taken=Artist.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    artist = Artist(name=name.strip(), slug=slug, bio=bio, verified=verified)
    artist.full_clean()
    artist.save()
    ArtistMembership.objects.create(artist=artist, user=owner, role=ArtistMembership.Role.OWNER)
    return artist


def genre_get_or_create(*, name: str) -> Genre:
    genre, _ = Genre.objects.get_or_create(slug=slugify(name)[:64], defaults={"name": name.strip()[:64]})
    return genre


@transaction.atomic
def album_create(
    *,
    artist: Artist,
    by: User,
    title: str,
    album_type: str = Album.Type.ALBUM,
    release_date: date | None = None,
    label: str = "",
    genres: Iterable[Genre] = (),
) -> Album:
    if not artist_is_member(artist=artist, user=by):
        raise PermissionDenied("Only the artist's members can make albums for it.")
    base = slugify(title)[:300]
    taken = Album.objects.filter(artist=artist, slug__startswith=base).values_list("slug", flat=True)
    album = Album(
        artist=artist,
        title=title.strip(),
        slug=_unique_slug(base, taken=taken),
        album_type=album_type,
        release_date=release_date,
        label=label,
    )
    album.full_clean()
    album.save()
    album.genres.set(genres)
    return album


def album_artwork_set(*, album: Album, file: IO[bytes]) -> Album:
    """Replace the album's artwork with every size of ``file`` (ArtworkError if refused)."""
    old = album.artwork.name
    album.artwork.name = artwork_store(file, prefix=f"albums/{album.pk}")
    album.save(update_fields=["artwork", "updated_at"])
    transaction.on_commit(lambda: artwork_delete(old))
    return album


@transaction.atomic
def album_publish(*, album: Album, by: User) -> Album:
    """Make the album and its ready tracks visible to listeners, or say why not."""
    if not artist_is_member(artist=album.artist, user=by):
        raise PermissionDenied("Only the artist's members can publish its albums.")
    album = Album.objects.select_for_update().get(pk=album.pk)
    if not album.artwork:
        raise ValidationError("An album needs artwork before it is published.", code="no_artwork")
    if not album.tracks.filter(status=Track.Status.READY).exists():
        raise ValidationError("An album needs one ready track at least before it is published.", code="no_tracks")
    album.status = Album.Status.PUBLISHED
    album.published_at = album.published_at or timezone.now()
    album.save(update_fields=["status", "published_at", "updated_at"])
    return album


@transaction.atomic
def track_create(
    *,
    artist: Artist,
    by: User,
    file: IO[bytes],
    filename: str,
    title: str,
    album: Album | None = None,
    disc_number: int = 1,
    track_number: int | None = None,
    genres: Iterable[Genre] = (),
    explicit: bool = False,
    year: int | None = None,
) -> Track:
    """Store an audio original and a Track for it in state ``processing``.

    The file is probed first: what is not audio is refused before anything
    is written. Processing continues in a task queued after commit.
    """
    from catalog.tasks import track_process

    if not artist_is_member(artist=artist, user=by):
        raise PermissionDenied("Only the artist's members can upload its tracks.")
    try:
        audio_probe(file)
    except AudioProbeError as exc:
        raise ValidationError(str(exc), code="not_audio") from exc
    file.seek(0)
    suffix = Path(filename).suffix.lower()[:8]
    name = default_storage.save(f"originals/{artist.pk}/{uuid.uuid4().hex}{suffix}", File(file))
    # Whatever fails from here on must not leave the blob behind.
    try:
        track = Track(
            title=title.strip(),
            artist=artist,
            album=album,
            disc_number=disc_number,
            track_number=track_number,
            explicit=explicit,
            year=year,
            original=name,
            uploaded_by=by,
        )
        track.full_clean()
        track.save()
        track.genres.set(genres)
    except Exception:
        default_storage.delete(name)
        raise
    transaction.on_commit(lambda: track_process.delay(track.pk))
    return track


def track_process(*, track_id: int) -> Track:
    """Read the stored original's duration and mark the track ready (or failed)."""
    track = Track.objects.get(pk=track_id)
    try:
        with default_storage.open(track.original.name, "rb") as original:
            info = audio_probe(original)
    except (AudioProbeError, OSError) as exc:
        track.status, track.failure_reason = Track.Status.FAILED, f"The audio could not be read: {exc}"
        track.save(update_fields=["status", "failure_reason", "updated_at"])
        return track
    track.duration_ms = info.duration_ms
    track.status, track.failure_reason = Track.Status.READY, ""
    track.save(update_fields=["duration_ms", "status", "failure_reason", "updated_at"])
    return track
