"""Glue: a listener's cached lists go when they like or unlike a track, or follow or unfollow an artist.

The library's services write in bulk and announce ``TasteChanged``; a row saved
or deleted one at a time (the admin, a shell) sends a model signal instead.
Either way the lists are dropped once the change commits.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.events import subscribe
from playlists.events import TasteChanged
from playlists.models import FollowedArtist, LikedTrack
from recommendations.keys import listener_forget


def _forget_after_commit(user_id: int) -> None:
    transaction.on_commit(lambda: listener_forget(user_id))


@receiver([post_save, post_delete], sender=LikedTrack, dispatch_uid="recommendations_liked")
@receiver([post_save, post_delete], sender=FollowedArtist, dispatch_uid="recommendations_followed")
def _row_changed(sender: Any, instance: LikedTrack | FollowedArtist, **kwargs: Any) -> None:
    _forget_after_commit(instance.user_id)


def _taste_changed(event: TasteChanged) -> None:
    _forget_after_commit(event.user_id)


def subscribe_all() -> None:
    subscribe(TasteChanged, _taste_changed)
