"""Plays: what listeners heard, counted once past the threshold, rolled up into play counts.

A report is checked in the request, against the receipt its stream grant
gave (``streaming/receipts.py``): no lookup for the grant. What passes is
appended to the play log in Redis (``streaming/playlog.py``) with the live
counters in the same round trip, and ``plays_flush`` writes the log to the
database in bulk, a batch at a time. With no Redis (the embedded default) or
with Redis down, a report is written to the database at once
(``play_record``), so none is lost.
"""

import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from redis.exceptions import RedisError, ResponseError

from accounts.models import Profile, User
from catalog.models import Track
from core.scripts import Script, redis_client, script_run
from streaming import playlog, receipts
from streaming.models import Play
from streaming.selectors import track_playable

logger = logging.getLogger(__name__)

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
    track = track_playable(track_id=track_id, user=user)
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
    if track.duration_ms is not None and ms_played > track.duration_ms:
        raise PlayRefusedError(code="play_too_long", message="The play is longer than the track.")
    if receipt.private:
        return receipt.play_id  # a private session (at the grant): nothing is kept
    report = PlayReport(
        play_id=receipt.play_id,
        user_id=user.pk,
        track_id=track_id,
        artist_id=track.artist_id,
        ms_played=ms_played,
        ended=ended,
        started_at_ms=receipt.granted_at_ms,
        source=play_source(context),
        country=receipt.country,
    )
    if not play_log_append(report=report):
        play_record(
            play_id=report.play_id,
            user_id=report.user_id,
            track_id=report.track_id,
            ms_played=report.ms_played,
            ended=report.ended,
            started_at_ms=report.started_at_ms,
            source=report.source,
            country=report.country,
        )
    return receipt.play_id


@dataclass(frozen=True)
class PlayReport:
    """A checked report, as the play log keeps it."""

    play_id: uuid.UUID
    user_id: int
    track_id: int
    artist_id: int
    ms_played: int
    ended: bool
    started_at_ms: int
    source: str
    country: str


# KEYS: the log and the play's "counted" mark. ARGV: the report's fields (play, user, track, ms,
# ended, started at, source, country), the count threshold, how long the counters are kept, the
# counters' key prefix, the artist, the hour (YYYYMMDDHH) and the day (YYYYMMDD).
# Appends the report; the first report of the play past the threshold sets the mark and counts it
# in the track's and the artist's counters (their keys made here, as ``playlog.live_key`` names them:
# on one Redis, or in a cluster behind one hash slot, they live with the log).
_APPEND = Script(
    """
redis.call('XADD', KEYS[1], '*', 'p', ARGV[1], 'u', ARGV[2], 't', ARGV[3], 'ms', ARGV[4],
  'e', ARGV[5], 's', ARGV[6], 'src', ARGV[7], 'cc', ARGV[8])
if tonumber(ARGV[4]) < tonumber(ARGV[9]) then return 0 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[10]) then return 0 end
local keep = ARGV[10]
for _, item in ipairs({'track:' .. ARGV[3], 'artist:' .. ARGV[12]}) do
  local base = ARGV[11] .. item .. ':'
  local hour, listeners = base .. ARGV[13], base .. ARGV[13] .. ':u'
  local sources, countries = base .. ARGV[14] .. ':src', base .. ARGV[14] .. ':cc'
  redis.call('INCR', hour)
  redis.call('PFADD', listeners, ARGV[2])
  redis.call('HINCRBY', sources, ARGV[7], 1)
  redis.call('EXPIRE', hour, keep)
  redis.call('EXPIRE', listeners, keep)
  redis.call('EXPIRE', sources, keep)
  if ARGV[8] ~= '' then
    redis.call('HINCRBY', countries, ARGV[8], 1)
    redis.call('EXPIRE', countries, keep)
  end
end
return 1
"""
)


def _counted_key(play_id: uuid.UUID) -> str:
    from django.core.cache import cache

    return cache.make_key(f"plays:counted:{play_id.hex}")


def play_log_append(*, report: PlayReport) -> bool:
    """Append a checked report to the play log, and count it live if it just passed the threshold.

    One round trip, no query. False when there is no Redis or it failed: the
    caller then writes the report to the database itself.
    """
    client = redis_client()
    if client is None:
        return False
    hour = playlog.hour_of(report.started_at_ms)
    try:
        script_run(
            client,
            _APPEND,
            (playlog.stream_key(), _counted_key(report.play_id)),
            report.play_id.hex,
            report.user_id,
            report.track_id,
            report.ms_played,
            int(report.ended),
            report.started_at_ms,
            report.source,
            report.country,
            settings.PLAY_COUNT_THRESHOLD_MS,
            playlog.LIVE_KEEP_SECONDS,
            playlog.live_key_prefix(),
            report.artist_id,
            hour,
            hour[:8],
        )
    except RedisError:
        logger.warning("plays: Redis unreachable, writing play %s to the database", report.play_id, exc_info=True)
        return False
    return True


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


# Flushing the play log to the database

FLUSH_BATCH = 5_000
FLUSH_LOCK_MS = 60_000
# An entry read by a flush that has not acknowledged it for this long is taken over: that flush died.
FLUSH_CLAIM_IDLE_MS = 60_000


@dataclass
class _Merged:
    """The reports of one play in a batch, as one: the furthest position, ended if any said so."""

    user_id: int
    track_id: int
    started_at: datetime
    source: str
    country: str
    ms_played: int = 0
    ended: bool = False


def plays_flush(
    *, batch_size: int = FLUSH_BATCH, max_batches: int = 20, claim_idle_ms: int = FLUSH_CLAIM_IDLE_MS
) -> int:
    """Write what the play log holds to the database, a batch at a time: how many reports were written.

    Idempotent: a batch written twice (a flush that died between the database
    and the acknowledgement) leaves the same rows and counts. Entries another
    flush read and left unacknowledged for ``claim_idle_ms`` are taken over
    first. One flush runs at a time (a lock in Redis); another returns 0.
    With no Redis, or Redis down, there is nothing to flush: 0.
    """
    client = redis_client()
    if client is None:
        return 0
    stream = playlog.stream_key()
    lock = playlog.stream_key() + ":flushing"
    consumer = f"{socket.gethostname()}-{os.getpid()}"
    token = uuid.uuid4().hex
    try:
        _group_ensure(client, stream)
        if not client.set(lock, token, nx=True, px=FLUSH_LOCK_MS):
            return 0
    except RedisError:
        logger.warning("plays: Redis unreachable, nothing flushed", exc_info=True)
        return 0
    written = 0
    try:
        for _ in range(max_batches):
            client.pexpire(lock, FLUSH_LOCK_MS)
            entries = _batch_read(client, stream, consumer, batch_size, claim_idle_ms)
            if not entries:
                break
            play_reports_write(reports=[fields for _, fields in entries])
            with client.pipeline(transaction=False) as pipe:
                ids = [entry_id for entry_id, _ in entries]
                pipe.xack(stream, playlog.GROUP, *ids)
                pipe.xdel(stream, *ids)
                pipe.execute()
            written += len(entries)
    except RedisError:
        logger.warning("plays: Redis failed mid-flush; unacknowledged entries wait for the next one", exc_info=True)
    finally:
        try:
            if client.get(lock) == token.encode():
                client.delete(lock)
        except RedisError:
            pass  # it expires on its own
    return written


def _group_ensure(client: object, stream: str) -> None:
    try:
        client.xgroup_create(stream, playlog.GROUP, id="0", mkstream=True)  # type: ignore[attr-defined]
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _batch_read(
    client: object, stream: str, consumer: str, count: int, claim_idle_ms: int
) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """Entries a dead flush left (idle ``claim_idle_ms``), then new ones: up to ``count``."""
    claimed = client.xautoclaim(  # type: ignore[attr-defined]
        stream, playlog.GROUP, consumer, min_idle_time=claim_idle_ms, start_id="0-0", count=count
    )
    entries = [(entry_id, fields) for entry_id, fields in claimed[1] if fields]
    if len(entries) < count:
        fresh = client.xreadgroup(  # type: ignore[attr-defined]
            playlog.GROUP, consumer, {stream: ">"}, count=count - len(entries)
        )
        for _, stream_entries in fresh or []:
            entries += [(entry_id, fields) for entry_id, fields in stream_entries if fields]
    return entries


@transaction.atomic
def play_reports_write(*, reports: Iterable[dict[bytes, bytes]]) -> int:
    """Write a batch of logged reports to the database in a constant number of queries: plays newly counted.

    Reports of one play merge (the furthest position wins, ended if any
    said so); new plays are inserted, plays that moved on updated, and each
    track's play count raised once per play that passed the threshold now.
    Reports of listeners in a private session, or of tracks or listeners
    gone since, are dropped.
    """
    merged: dict[uuid.UUID, _Merged] = {}
    for fields in reports:
        play_id = uuid.UUID(hex=fields[b"p"].decode())
        play = merged.get(play_id)
        if play is None:
            play = merged[play_id] = _Merged(
                user_id=int(fields[b"u"]),
                track_id=int(fields[b"t"]),
                started_at=datetime.fromtimestamp(int(fields[b"s"]) / 1000, tz=UTC),
                source=fields[b"src"].decode(),
                country=fields[b"cc"].decode(),
            )
        play.ms_played = max(play.ms_played, int(fields[b"ms"]))
        play.ended = play.ended or fields[b"e"] == b"1"
    if not merged:
        return 0
    listeners = set(
        User.objects.filter(pk__in={play.user_id for play in merged.values()})
        .exclude(profile__private_session=True)
        .values_list("pk", flat=True)
    )
    tracks = set(Track.objects.filter(pk__in={play.track_id for play in merged.values()}).values_list("pk", flat=True))
    merged = {pk: play for pk, play in merged.items() if play.user_id in listeners and play.track_id in tracks}
    if not merged:
        return 0
    starts = [play.started_at for play in merged.values()]
    existing = {
        row["id"]: row
        for row in Play.objects.select_for_update()
        .filter(pk__in=list(merged), started_at__gte=min(starts), started_at__lte=max(starts))
        .values("id", "user_id", "track_id", "ms_played", "ended", "counted")
    }
    threshold = settings.PLAY_COUNT_THRESHOLD_MS
    now = timezone.now()
    created: list[Play] = []
    moved: list[Play] = []
    counted: dict[int, int] = {}
    for pk, play in merged.items():
        row = existing.get(pk)
        if row is None:
            is_counted = play.ms_played >= threshold
            created.append(
                Play(
                    id=pk,
                    user_id=play.user_id,
                    track_id=play.track_id,
                    started_at=play.started_at,
                    ms_played=play.ms_played,
                    ended=play.ended,
                    counted=is_counted,
                    source=play.source,
                    country=play.country,
                    updated_at=now,
                )
            )
        else:
            if row["user_id"] != play.user_id or row["track_id"] != play.track_id:
                continue  # a play id is one listener's listen of one track
            ms_played = max(row["ms_played"], play.ms_played)
            ended = row["ended"] or play.ended
            is_counted = not row["counted"] and ms_played >= threshold
            if (ms_played, ended) == (row["ms_played"], row["ended"]) and not is_counted:
                continue
            moved.append(
                Play(
                    id=pk,
                    started_at=play.started_at,
                    ms_played=ms_played,
                    ended=ended,
                    counted=row["counted"] or is_counted,
                    updated_at=now,
                )
            )
        if is_counted:
            counted[play.track_id] = counted.get(play.track_id, 0) + 1
    if created:
        Play.objects.bulk_create(created, ignore_conflicts=True)
    if moved:
        _plays_update(moved, now)
    if counted:
        raise_by = Case(*(When(pk=track_id, then=Value(n)) for track_id, n in counted.items()), default=Value(0))
        Track.objects.filter(pk__in=list(counted)).update(play_count=F("play_count") + raise_by)
    return sum(counted.values())


def _plays_update(plays: list[Play], now: datetime) -> None:
    """Write the new position, end and count of ``plays`` in one statement.

    On PostgreSQL an ``UPDATE … FROM (VALUES …)`` joined on the whole key, so
    each row is found by its partition; ``bulk_update``'s ``CASE`` per field
    grows with the square of the batch. Elsewhere ``bulk_update``.
    """
    if connection.vendor != "postgresql":
        Play.objects.bulk_update(plays, ["ms_played", "ended", "counted", "updated_at"])
        return
    rows = ", ".join(["(%s::uuid, %s::timestamptz, %s::integer, %s::boolean, %s::boolean)"] * len(plays))
    params: list[Any] = [now]
    for play in plays:
        params += [play.pk, play.started_at, play.ms_played, play.ended, play.counted]
    update = (  # the table's name and placeholders only
        f"UPDATE {Play._meta.db_table} AS p SET ms_played = v.ms_played, ended = v.ended, counted = v.counted, "  # noqa: S608
        f"updated_at = %s FROM (VALUES {rows}) AS v(id, started_at, ms_played, ended, counted) "
        "WHERE p.id = v.id AND p.started_at = v.started_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(update, params)
