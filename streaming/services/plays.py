"""Plays: what listeners heard, counted once past the threshold, rolled up into play counts."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile
from catalog.models import Track
from streaming.models import Play


@transaction.atomic
def play_record(
    *, play_id: str | uuid.UUID, user_id: int, track_id: int, ms_played: int, ended: bool = False
) -> Play | None:
    """Record a report from the player (idempotent: reports may arrive twice or out of order).

    The furthest position wins. The first time a play passes the threshold it
    counts: once in the listener's history and once in the track's play count.
    Nothing is kept for a private session.
    """
    if Profile.objects.filter(user_id=user_id, private_session=True).exists():
        return None
    if not Track.objects.filter(pk=track_id).exists():
        return None
    now = timezone.now()
    play, _ = Play.objects.select_for_update().get_or_create(
        pk=play_id,
        defaults={"user_id": user_id, "track_id": track_id, "started_at": now - timedelta(milliseconds=ms_played)},
    )
    if play.user_id != user_id or play.track_id != track_id:
        return None  # a play id is one listener's listen of one track
    play.ms_played = max(play.ms_played, ms_played)
    play.ended = play.ended or ended
    fields = ["ms_played", "ended", "updated_at"]
    if not play.counted and play.ms_played >= settings.PLAY_COUNT_THRESHOLD_MS:
        play.counted = True
        fields.append("counted")
        Track.objects.filter(pk=track_id).update(play_count=F("play_count") + 1)
    play.save(update_fields=fields)
    return play
