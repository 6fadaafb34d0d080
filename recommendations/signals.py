"""Glue: a listener's cached lists go when they like or unlike a track, or follow or unfollow an artist."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from playlists.models import FollowedArtist, LikedTrack
from recommendations.keys import listener_forget


@receiver([post_save, post_delete], sender=LikedTrack, dispatch_uid="recommendations_liked")
@receiver([post_save, post_delete], sender=FollowedArtist, dispatch_uid="recommendations_followed")
def _taste_changed(sender: Any, instance: LikedTrack | FollowedArtist, **kwargs: Any) -> None:
    user_id = instance.user_id
    transaction.on_commit(lambda: listener_forget(user_id))
