"""Glue: any save or delete of a searchable row queues its entry's update.

Saves through the admin, services or the shell all pass here. Bulk writes
(``QuerySet.update``, ``bulk_update``) do not send signals; the services that
use them call :func:`search.indexing.index_later` themselves.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.models import Album, Artist, Lyrics, Track
from search.indexing import index_later

_KIND: dict[type[Any], str] = {Track: "track", Album: "album", Artist: "artist"}


@receiver(post_save, sender=Track)
@receiver(post_save, sender=Album)
@receiver(post_save, sender=Artist)
@receiver(post_delete, sender=Track)
@receiver(post_delete, sender=Album)
@receiver(post_delete, sender=Artist)
def _row_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures load rows before what they refer to; search_reindex catches up
        index_later(_KIND[sender], instance.pk)


@receiver(m2m_changed, sender=Track.genres.through)
@receiver(m2m_changed, sender=Track.featured_artists.through)
@receiver(m2m_changed, sender=Album.genres.through)
def _relations_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if reverse:
        # From the genre's (or featured artist's) side: the rows that changed are in pk_set.
        model = kwargs["model"]
        if model in _KIND and pk_set:
            index_later(_KIND[model], *pk_set)
        return
    index_later(_KIND[type(instance)], instance.pk)


@receiver(post_save, sender=Lyrics)
@receiver(post_delete, sender=Lyrics)
def _lyrics_changed(sender: type, instance: Lyrics, raw: bool = False, **kwargs: Any) -> None:
    # A draft is searched by nobody: only the published lyrics are in the track's entry.
    if not raw and instance.state == Lyrics.State.PUBLISHED:
        index_later("track", instance.track_id)
