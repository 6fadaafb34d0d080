"""A listener's library: liked tracks, saved albums and followed artists.

Adding what is there already, or removing what is not, changes nothing and
is no error, so that a client may retry freely.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accounts.models import User
from catalog.access import albums_visible_to, tracks_visible_to
from catalog.models import Artist
from core.events import announce
from core.ids import possible_ids
from playlists.caching import user_cache_invalidate
from playlists.events import TasteChanged
from playlists.models import FollowedArtist, LikedTrack, SavedAlbum

MAX_IDS = 50
# What a refusal says of each kind of id: none given, too many, and some not found.
_REFUSALS = {
    "track": (
        gettext_lazy("Name one track at least."),
        gettext_lazy("Up to %(count)s tracks at a time."),
        gettext_lazy("No such tracks: %(ids)s."),
    ),
    "album": (
        gettext_lazy("Name one album at least."),
        gettext_lazy("Up to %(count)s albums at a time."),
        gettext_lazy("No such albums: %(ids)s."),
    ),
    "artist": (
        gettext_lazy("Name one artist at least."),
        gettext_lazy("Up to %(count)s artists at a time."),
        gettext_lazy("No such artists: %(ids)s."),
    ),
}


def _check(ids: Sequence[int], visible: QuerySet[Any], what: str) -> set[int]:
    none_given, too_many, not_found = _REFUSALS[what]
    wanted = set(ids)
    if not wanted:
        raise ValidationError(str(none_given), code="no_ids")
    if len(wanted) > MAX_IDS:
        raise ValidationError(str(too_many) % {"count": MAX_IDS}, code="too_many_ids")
    found = set(visible.filter(pk__in=possible_ids(wanted)).values_list("pk", flat=True))
    missing = sorted(wanted - found)
    if missing:
        raise ValidationError(str(not_found) % {"ids": ", ".join(map(str, missing))}, code="not_found")
    return found


@transaction.atomic
def tracks_like(*, user: User, track_ids: Sequence[int]) -> None:
    ids = _check(track_ids, tracks_visible_to(user), "track")
    LikedTrack.objects.bulk_create([LikedTrack(user=user, track_id=pk) for pk in ids], ignore_conflicts=True)
    user_cache_invalidate(user.pk)
    announce(TasteChanged(user_id=user.pk))


@transaction.atomic
def tracks_unlike(*, user: User, track_ids: Sequence[int]) -> None:
    LikedTrack.objects.filter(user_id=user.pk, track_id__in=possible_ids(track_ids)).delete()
    user_cache_invalidate(user.pk)
    announce(TasteChanged(user_id=user.pk))


@transaction.atomic
def albums_save(*, user: User, album_ids: Sequence[int]) -> None:
    ids = _check(album_ids, albums_visible_to(user), "album")
    SavedAlbum.objects.bulk_create([SavedAlbum(user=user, album_id=pk) for pk in ids], ignore_conflicts=True)
    user_cache_invalidate(user.pk)


@transaction.atomic
def albums_unsave(*, user: User, album_ids: Sequence[int]) -> None:
    SavedAlbum.objects.filter(user_id=user.pk, album_id__in=possible_ids(album_ids)).delete()
    user_cache_invalidate(user.pk)


@transaction.atomic
def artists_follow(*, user: User, artist_ids: Sequence[int]) -> None:
    ids = _check(artist_ids, Artist.objects.all(), "artist")
    FollowedArtist.objects.bulk_create([FollowedArtist(user=user, artist_id=pk) for pk in ids], ignore_conflicts=True)
    user_cache_invalidate(user.pk)
    announce(TasteChanged(user_id=user.pk))


@transaction.atomic
def artists_unfollow(*, user: User, artist_ids: Sequence[int]) -> None:
    FollowedArtist.objects.filter(user_id=user.pk, artist_id__in=possible_ids(artist_ids)).delete()
    user_cache_invalidate(user.pk)
    announce(TasteChanged(user_id=user.pk))
