"""Plays: what listeners heard, counted once past the threshold, rolled up into play counts.

A report is checked in the request, against the receipt its stream grant
gave (``streaming/receipts.py``): no lookup for the grant, nothing written
but the task that records it. Only the reports that pass are recorded.
"""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile, User
from catalog.access import tracks_visible_to
from catalog.models import Track
from core.outbox import task_enqueue
from streaming import receipts, tasks
from streaming.models import Play

# How much longer than the time since its grant a play may say it lasted: clocks and latency.
PLAY_CLOCK_TOLERANCE_MS = 5_000


def play_source(context: str) -> str:
    """Where a play was started, from the context the player was playing (its page's path, or a radio's uri)."""
    if context.startswith(("spotifyclone:radio:", "spotifyclone:autoplay")):
        return Play.Source.RADIO
    path = urlsplit(context).path if context.startswith("/") else ""
    for prefix, source in _SOURCES:
        if path.startswith(prefix):
            return source
    return Play.Source.OTHER


_SOURCES = (
    ("/albums/", Play.Source.ALBUM),
    ("/playlists/", Play.Source.PLAYLIST),
    ("/library/", Play.Source.PLAYLIST),
    ("/artists/", Play.Source.ARTIST),
    ("/search", Play.Source.SEARCH),
)


class PlayRefusedError(Exception):
    """A report that cannot be true: it is not recorded. ``code`` says why, for programs."""

    def __init__(self, *, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def play_report_accept(
    *,
    user: User,
    track_id: int,
    ms_played: int,
    ended: bool,
    play_token: str | None,
    context: str = "",
    now_ms: int | None = None,
) -> uuid.UUID:
    """Check a report of a play against its grant's receipt, and queue it to be recorded.

    Raises Track.DoesNotExist when ``user`` may not see the track, and
    PlayRefusedError when the report has no grant behind it (no receipt, a
    changed one, one for another listener or track: ``no_stream_grant``) or
    claims more than was possible (longer than the time since the grant, or
    than the track: ``play_too_long``). Returns the play's id, the receipt's.
    ``context`` is what the player was playing from (``play_source``).
    """
    track = tracks_visible_to(user).filter(pk=track_id, status=Track.Status.READY).values("duration_ms").first()
    if track is None:
        raise Track.DoesNotExist(track_id)
    if not play_token:
        raise PlayRefusedError(code="no_stream_grant", message="A play needs the play_token of its stream grant.")
    try:
        receipt = receipts.play_receipt_read(token=play_token)
    except receipts.ReceiptError as exc:
        raise PlayRefusedError(code="no_stream_grant", message=str(exc)) from None
    if receipt.user_id != user.pk or receipt.track_id != track_id:
        raise PlayRefusedError(code="no_stream_grant", message="This play token was given for another stream.")
    elapsed = (now_ms if now_ms is not None else receipts.clock_ms()) - receipt.granted_at_ms
    if ms_played > elapsed + PLAY_CLOCK_TOLERANCE_MS:
        raise PlayRefusedError(
            code="play_too_long", message="The play is longer than the time since its stream was granted."
        )
    duration = track["duration_ms"]
    if duration is not None and ms_played > duration:
        raise PlayRefusedError(code="play_too_long", message="The play is longer than the track.")
    play_id = receipt.play_id
    if receipt.private:
        return play_id  # a private session: nothing is kept
    task_enqueue(
        tasks.play_report,
        str(play_id),
        user.pk,
        track_id,
        ms_played,
        ended,
        started_at_ms=receipt.granted_at_ms,
        source=play_source(context),
        country=receipt.country,
    )
    return play_id


@transaction.atomic
def play_record(
    *,
    play_id: str | uuid.UUID,
    user_id: int,
    track_id: int,
    ms_played: int,
    ended: bool = False,
    started_at_ms: int | None = None,
    source: str = Play.Source.OTHER,
    country: str = "",
) -> Play | None:
    """Record a report from the player (idempotent: reports may arrive twice or out of order).

    The furthest position wins. The first time a play passes the threshold it
    counts: once in the listener's history and once in the track's play count.
    Nothing is kept for a private session. ``started_at_ms`` is the grant's
    time (the receipt's), so every report of a play names the same start.
    """
    if Profile.objects.filter(user_id=user_id, private_session=True).exists():
        return None
    if not Track.objects.filter(pk=track_id).exists():
        return None
    if started_at_ms is not None:
        started_at = datetime.fromtimestamp(started_at_ms / 1000, tz=UTC)
    else:
        started_at = timezone.now() - timedelta(milliseconds=ms_played)
    play, _ = Play.objects.select_for_update().get_or_create(
        pk=play_id,
        defaults={
            "user_id": user_id,
            "track_id": track_id,
            "started_at": started_at,
            "source": source,
            "country": country,
        },
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
