"""Reads on the catalog, each tuned for the page or endpoint that uses it."""

from django.db.models import QuerySet

from catalog.models import Album, Track


def album_list_published() -> QuerySet[Album]:
    return Album.objects.filter(status=Album.Status.PUBLISHED).select_related("artist")


def album_list_new_releases(*, limit: int = 20) -> list[Album]:
    return list(album_list_published().order_by("-release_date", "-published_at", "-id")[:limit])


def track_list_playable() -> QuerySet[Track]:
    """Tracks a listener may find and play: ready, on a published album."""
    return Track.objects.filter(status=Track.Status.READY, album__status=Album.Status.PUBLISHED).select_related(
        "artist", "album"
    )
