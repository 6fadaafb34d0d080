"""Albums: made as drafts, filled with an artist's tracks, ordered, then published."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import tasks
from catalog.access import require_edit
from catalog.artwork import ARTWORK_SIZES, artwork_delete, artwork_name, artwork_store
from catalog.events import AlbumProgrammeChanged, CatalogRowsChanged
from catalog.models import Album, Genre, Track
from catalog.services.artists import genres_get_or_create, unique_slug
from core.events import announce
from core.outbox import task_enqueue

EDITABLE_FIELDS = frozenset({"title", "album_type", "release_date", "label", "upc"})


@transaction.atomic
def album_create(
    *,
    artist_id: int,
    by: User,
    title: str,
    album_type: str = Album.Type.ALBUM,
    release_date: date | None = None,
    label: str = "",
    upc: str = "",
    genres: Iterable[Genre] = (),
    genre_names: Iterable[str] = (),
) -> Album:
    """A draft album of the artist's; ``genre_names`` are made into genres when new, with the album or not at all."""
    require_edit(artist_id=artist_id, user=by)
    base = slugify(title)[:300]
    taken = Album.objects.filter(artist_id=artist_id, slug__startswith=base).values_list("slug", flat=True)
    album = Album(
        artist_id=artist_id,
        title=title.strip(),
        slug=unique_slug(base, taken=taken),
        album_type=album_type,
        release_date=release_date,
        label=label.strip(),
        upc=upc.strip(),
    )
    album.full_clean()
    genres = [*genres, *genres_get_or_create(names=genre_names)]
    album.save()
    album.genres.set(genres)
    return album


@transaction.atomic
def album_update(
    *,
    album: Album,
    by: User,
    genres: Iterable[Genre] | None = None,
    genre_names: Iterable[str] | None = None,
    **changes: object,
) -> Album:
    """Change the album's details; its genres too when ``genres`` or ``genre_names`` is given (new names made)."""
    require_edit(artist_id=album.artist_id, user=by)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(value)s.") % {"value": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(album, name, value.strip() if isinstance(value, str) else value)
    album.full_clean()
    if genres is not None or genre_names is not None:
        genres = [*(genres or ()), *genres_get_or_create(names=genre_names or ())]
    if changes:
        album.save(update_fields=[*changes, "updated_at"])
    if genres is not None:
        album.genres.set(genres)
    return album


def album_artwork_set(*, album: Album, by: User, file: IO[bytes]) -> Album:
    """Replace the album's artwork with every size of ``file`` (ArtworkError if refused)."""
    require_edit(artist_id=album.artist_id, user=by)
    old = album.artwork.name
    album.artwork.name = artwork_store(file, prefix=f"albums/{album.pk}")
    album.save(update_fields=["artwork", "updated_at"])
    transaction.on_commit(lambda: artwork_delete(old))
    return album


def _locked(album: Album) -> Album:
    return Album.objects.select_for_update().get(pk=album.pk)


@transaction.atomic
def album_tracks_add(*, album: Album, by: User, track_ids: Sequence[int], disc_number: int = 1) -> list[Track]:
    """Append the artist's tracks to the end of a disc, in the order given."""
    require_edit(artist_id=album.artist_id, user=by)
    _locked(album)
    tracks = {t.pk: t for t in Track.objects.filter(pk__in=track_ids, artist_id=album.artist_id)}
    missing = [pk for pk in track_ids if pk not in tracks]
    if missing:
        raise ValidationError(
            _("These tracks are not this artist's: %(value)s.") % {"value": ", ".join(map(str, missing))},
            code="not_found",
        )
    left = {t.album_id for t in tracks.values() if t.album_id is not None and t.album_id != album.pk}
    last = album.tracks.filter(disc_number=disc_number).aggregate(last=Max("track_number"))["last"] or 0
    added = []
    for offset, pk in enumerate(dict.fromkeys(track_ids), start=1):
        track = tracks[pk]
        track.album, track.disc_number, track.track_number = album, disc_number, last + offset
        added.append(track)
    # Tracks leaving other albums first give up their positions there.
    Track.objects.filter(pk__in=tracks).update(track_number=None)
    Track.objects.bulk_update(added, ["album", "disc_number", "track_number"])
    announce(CatalogRowsChanged(kind="track", ids=tuple(tracks)))
    for album_id in sorted({album.pk, *left}):
        announce(AlbumProgrammeChanged(album_id=album_id))
    return added


@transaction.atomic
def album_track_remove(*, album: Album, by: User, track_id: int) -> None:
    """Take a track off the album (it stays among the artist's uploads) and close the gap."""
    require_edit(artist_id=album.artist_id, user=by)
    _locked(album)
    updated = Track.objects.filter(pk=track_id, album=album).update(album=None, track_number=None, disc_number=1)
    if not updated:
        raise ValidationError(_("That track is not on this album."), code="not_found")
    _renumber(album)
    announce(CatalogRowsChanged(kind="track", ids=(track_id,)))
    announce(AlbumProgrammeChanged(album_id=album.pk))


def _renumber(album: Album) -> None:
    tracks = list(album.tracks.order_by("disc_number", "track_number", "id"))
    positions = [(t.disc_number, n) for t, n in zip(tracks, _numbers(tracks), strict=True)]
    _write_positions(tracks, positions)


def _numbers(tracks: Sequence[Track]) -> list[int]:
    numbers, counters = [], dict[int, int]()
    for track in tracks:
        counters[track.disc_number] = counters.get(track.disc_number, 0) + 1
        numbers.append(counters[track.disc_number])
    return numbers


def _write_positions(tracks: Sequence[Track], positions: Sequence[tuple[int, int]]) -> None:
    # Clear first: the positions swap places and each must stay unique on the way.
    Track.objects.filter(pk__in=[t.pk for t in tracks]).update(track_number=None)
    for track, (disc, number) in zip(tracks, positions, strict=True):
        track.disc_number, track.track_number = disc, number
    Track.objects.bulk_update(tracks, ["disc_number", "track_number"])


@transaction.atomic
def album_tracks_reorder(*, album: Album, by: User, order: Sequence[tuple[int, int]]) -> list[Track]:
    """Set the album's running order from ``(track_id, disc_number)`` pairs, every track once."""
    require_edit(artist_id=album.artist_id, user=by)
    _locked(album)
    tracks = {t.pk: t for t in album.tracks.all()}
    ids = [track_id for track_id, _disc in order]
    if sorted(ids) != sorted(tracks) or len(set(ids)) != len(ids):
        raise ValidationError(_("The order must list every track of the album exactly once."), code="incomplete_order")
    if any(disc < 1 for _track_id, disc in order):
        raise ValidationError(_("Disc numbers start at 1."), code="invalid_disc")
    ordered = [tracks[track_id] for track_id in ids]
    for track, (_track_id, disc) in zip(ordered, order, strict=True):
        track.disc_number = disc
    positions = [(t.disc_number, n) for t, n in zip(ordered, _numbers(ordered), strict=True)]
    _write_positions(ordered, positions)
    announce(CatalogRowsChanged(kind="album", ids=(album.pk,)))  # the album page shows the new order
    announce(AlbumProgrammeChanged(album_id=album.pk))
    return ordered


@transaction.atomic
def album_track_move(*, album: Album, by: User, track_id: int, direction: Literal["up", "down"]) -> list[Track]:
    """Move a track one step up or down the running order.

    Within a disc it swaps places with its neighbour; the first track of a
    disc moving up goes to the end of the disc before, the last moving down to
    the start of the next. The first track of the album moving up, or the
    last moving down, stays where it is.
    """
    require_edit(artist_id=album.artist_id, user=by)
    _locked(album)
    rows = [[t.pk, t.disc_number] for t in album.tracks.order_by("disc_number", "track_number", "id")]
    index = next((i for i, (pk, _disc) in enumerate(rows) if pk == track_id), None)
    if index is None:
        raise ValidationError(_("That track is not on this album."), code="not_found")
    other = index + (-1 if direction == "up" else 1)
    if 0 <= other < len(rows):
        if rows[other][1] == rows[index][1]:
            rows[index], rows[other] = rows[other], rows[index]
        else:
            rows[index][1] = rows[other][1]  # first or last of its disc: it changes disc
    return album_tracks_reorder(album=album, by=by, order=[(pk, disc) for pk, disc in rows])


def _check_publishable(album: Album) -> None:
    if not album.artwork:
        raise ValidationError(_("An album needs artwork before it is published."), code="no_artwork")
    if not album.tracks.filter(status=Track.Status.READY).exists():
        raise ValidationError(_("An album needs one ready track at least before it is published."), code="no_tracks")


@transaction.atomic
def album_publish(*, album: Album, by: User) -> Album:
    """Make the album and its ready tracks visible to listeners, or say why not."""
    require_edit(artist_id=album.artist_id, user=by)
    album = _locked(album)
    _check_publishable(album)
    return _publish(album)


def _publish(album: Album) -> Album:
    album.status, album.release_at = Album.Status.PUBLISHED, None
    album.published_at = album.published_at or timezone.now()
    album.release_date = album.release_date or timezone.localdate()
    album.save(update_fields=["status", "release_at", "published_at", "release_date", "updated_at"])
    announce(AlbumProgrammeChanged(album_id=album.pk))
    return album


@transaction.atomic
def album_unpublish(*, album: Album, by: User) -> Album:
    require_edit(artist_id=album.artist_id, user=by)
    album = _locked(album)
    if album.status not in {Album.Status.PUBLISHED, Album.Status.SCHEDULED}:
        raise ValidationError(_("Only a published or scheduled album can be unpublished."), code="not_published")
    album.status, album.release_at = Album.Status.UNPUBLISHED, None
    album.save(update_fields=["status", "release_at", "updated_at"])
    return album


@transaction.atomic
def album_schedule(*, album: Album, by: User, release_at: datetime) -> Album:
    """Publish the album by itself at ``release_at`` (checked now, and again then)."""
    require_edit(artist_id=album.artist_id, user=by)
    album = _locked(album)
    if release_at <= timezone.now():
        raise ValidationError(_("A release must be scheduled in the future."), code="in_the_past")
    if album.status == Album.Status.PUBLISHED:
        raise ValidationError(_("The album is already published."), code="already_published")
    _check_publishable(album)
    album.status, album.release_at = Album.Status.SCHEDULED, release_at
    album.release_date = timezone.localdate(release_at)
    album.save(update_fields=["status", "release_at", "release_date", "updated_at"])
    return album


def albums_release_due(*, now: datetime | None = None) -> list[int]:
    """Publish every scheduled album whose time has come; return their ids (periodic)."""
    now = now or timezone.now()
    released = []
    due = Album.objects.filter(status=Album.Status.SCHEDULED, release_at__lte=now).values_list("pk", flat=True)
    for album_id in due:
        with transaction.atomic():
            album = Album.objects.select_for_update(skip_locked=True).filter(pk=album_id).first()
            if album is None or album.status != Album.Status.SCHEDULED:
                continue
            try:
                _check_publishable(album)
            except ValidationError:
                # Something was removed since it was scheduled: back to draft for the artist to see.
                album.status, album.release_at = Album.Status.DRAFT, None
                album.save(update_fields=["status", "release_at", "updated_at"])
                continue
            _publish(album)
            released.append(album.pk)
    return released


@transaction.atomic
def album_delete(*, album: Album, by: User) -> None:
    """Delete the album and its artwork; its tracks stay among the artist's uploads."""
    require_edit(artist_id=album.artist_id, user=by)
    names = [artwork_name(album.artwork.name, size) for size in ARTWORK_SIZES] if album.artwork else []
    announce(CatalogRowsChanged(kind="track", ids=tuple(album.tracks.values_list("pk", flat=True))))
    Track.objects.filter(album=album).update(album=None, track_number=None, disc_number=1)
    album.delete()
    if names:
        task_enqueue(tasks.blobs_delete, names)
