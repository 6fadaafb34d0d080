"""Glue: when an album's artwork or status changes, or the album goes, the mosaics showing it are remade.

Saves through the admin, services or the shell all pass here. The work runs
in a task after commit: it finds the playlists concerned and remakes each
mosaic whose first artworks changed (an unchanged one costs a query, no image).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog.models import Album
from core.outbox import task_enqueue
from playlists import tasks


@receiver(pre_save, sender=Album)
def _album_before(sender: type, instance: Album, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.pk is not None:
        instance._mosaic_before = (  # type: ignore[attr-defined]
            Album.objects.filter(pk=instance.pk).values_list("artwork", "status").first()
        )


@receiver(post_save, sender=Album)
def _album_saved(sender: type, instance: Album, created: bool, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_mosaic_before", None)
    if raw or created or before is None or before == (instance.artwork.name, instance.status):
        return
    album_id, old_artwork = instance.pk, before[0]
    task_enqueue(tasks.playlist_mosaics_refresh_for_album, album_id, old_artwork)


@receiver(post_delete, sender=Album)
def _album_deleted(sender: type, instance: Album, **kwargs: Any) -> None:
    if instance.artwork.name:
        artwork = instance.artwork.name
        task_enqueue(tasks.playlist_mosaics_refresh_for_album, None, artwork)
