"""Lookups of the studio: always through the querysets of what the user may edit, so that a stranger finds nothing.

A page for an artist, album or track that the user is no member of answers
404, as if it were not there.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors
from catalog.models import Album, Artist, Track


def editable_artist(request: AuthenticatedHttpRequest, slug: str) -> Artist:
    return get_object_or_404(selectors.artist_list_editable(user=request.user), slug=slug)


def editable_album(request: AuthenticatedHttpRequest, album_id: int) -> Album:
    return get_object_or_404(selectors.album_list_editable(user=request.user), pk=album_id)


def editable_track(request: AuthenticatedHttpRequest, track_id: int) -> Track:
    return get_object_or_404(selectors.upload_list(user=request.user), pk=track_id)


def album_tracks(request: AuthenticatedHttpRequest, album: Album) -> QuerySet[Track]:
    """The album's tracks in running order."""
    uploads = selectors.upload_list(user=request.user).filter(album_id=album.pk)
    return uploads.order_by("disc_number", "track_number", "id")


def addable_tracks(request: AuthenticatedHttpRequest, album: Album) -> QuerySet[Track]:
    """The artist's uploads that are on no album, in the order they came: the order they are added in."""
    uploads = selectors.upload_list(user=request.user).filter(artist_id=album.artist_id, album__isnull=True)
    return uploads.order_by("created_at", "id")
