"""The roll-up: days of plays, likes and playlist adds made into the day tables the pages read.

The play table is the truth; the live counters in Redis only show the last
hours sooner. ``insights_days_rollup`` recomputes whole days from it and
replaces those days' rows in one transaction, so running it twice leaves the
same rows as once. ``insights_rollup`` (the periodic task's service) picks
the days: those since its last run began, less ``ROLLUP_LATE`` for plays
written late (a play's day is the day of its stream grant, and its reports
and the batch that writes them come after), up to today.

Then ``insights_listeners_rollup`` counts each item's distinct listeners over
the last 7, 28 and 365 days, which the days cannot give (a listener who comes
back counts on each day): one grouped query per window and kind, over the
window's plays alone, and the window's rows replaced in one transaction. 7
and 28 days are counted at every run; 365 days at the first run of each UTC
day, for it reads a year of plays.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from insights.models import ArtistDay, ArtistListeners, RollupRun, TrackDay, TrackListeners
from insights.periods import PERIODS, day_start, period_days
from playlists.models import LikedTrack, PlaylistItem
from streaming.models import Play

# A play's row can still change this long after its grant: the track plays on, and the batch
# from Redis lands a few seconds later (or later still after an outage of the workers).
ROLLUP_LATE = timedelta(hours=6)
# The first run reaches back at most this far.
FIRST_RUN_REACH = timedelta(days=400)
# A play shorter than this that did not reach the track's end is a skip.
SKIP_UNDER_MS = 30_000
RUN_NAME = "days"
BATCH = 2000
# The windows of distinct listeners, in days; those counted only at the first run of a UTC day.
LISTENER_WINDOWS = tuple(period.days for period in PERIODS.values() if not period.live)
DAILY_WINDOWS = frozenset({365})


@dataclass(frozen=True)
class RollupFigures:
    first_day: date
    last_day: date
    track_rows: int
    artist_rows: int
    # The windows of listeners counted with the days (by the periodic roll-up), in days.
    listener_windows: tuple[int, ...] = ()


def _utc_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=UTC)


def _empty_day(day: date) -> dict[str, Any]:
    return {
        "day": day,
        "streams": 0,
        "listeners": 0,
        "skips": 0,
        "saves": 0,
        "playlist_adds": 0,
        "countries": defaultdict(int),
        "sources": defaultdict(int),
    }


def insights_days_rollup(*, first_day: date, last_day: date) -> RollupFigures:
    """Recompute every track's and artist's figures for the UTC days ``first_day`` to ``last_day``.

    A constant number of queries whatever the days hold: plays grouped by day
    and track (streams, listeners, skips), by day, track and country, by day,
    track and source, distinct listeners by day and artist, likes and
    playlist adds by day and track. Then the days' rows are replaced.
    """
    start, end = day_start(first_day), day_start(last_day + timedelta(days=1))
    plays = Play.objects.filter(started_at__gte=start, started_at__lt=end).annotate(day=_utc_day("started_at"))
    counted = plays.filter(counted=True)
    skipped = Q(ms_played__lt=SKIP_UNDER_MS, ended=False)

    tracks: dict[tuple[date, int], dict[str, Any]] = {}
    artist_of: dict[int, int] = {}

    def track_day(day: date, track_id: int, artist_id: int) -> dict[str, Any]:
        artist_of[track_id] = artist_id
        row = tracks.get((day, track_id))
        if row is None:
            row = tracks[(day, track_id)] = _empty_day(day)
        return row

    for row in (
        plays.filter(Q(counted=True) | skipped)
        .values("day", "track_id", "track__artist_id")
        .annotate(
            streams=Count("id", filter=Q(counted=True)),
            listeners=Count("user_id", filter=Q(counted=True), distinct=True),
            skips=Count("id", filter=skipped),
        )
        .order_by()
    ):
        figures = track_day(row["day"], row["track_id"], row["track__artist_id"])
        figures.update(streams=row["streams"], listeners=row["listeners"], skips=row["skips"])
    for field, key in (("country", "countries"), ("source", "sources")):
        for row in (
            counted.values("day", "track_id", "track__artist_id", field).annotate(streams=Count("id")).order_by()
        ):
            figures = track_day(row["day"], row["track_id"], row["track__artist_id"])
            figures[key][row[field] or ""] += row["streams"]
    for model, key in ((LikedTrack, "saves"), (PlaylistItem, "playlist_adds")):
        added = model.objects.filter(added_at__gte=start, added_at__lt=end, track__isnull=False)
        for row in (
            added.annotate(day=_utc_day("added_at"))
            .values("day", "track_id", "track__artist_id")
            .annotate(count=Count("id"))
            .order_by()
        ):
            track_day(row["day"], row["track_id"], row["track__artist_id"])[key] = row["count"]

    artists: dict[tuple[date, int], dict[str, Any]] = {}
    for (day, track_id), figures in tracks.items():
        artist = artists.setdefault((day, artist_of[track_id]), _empty_day(day))
        for key in ("streams", "skips", "saves", "playlist_adds"):
            artist[key] += figures[key]
        for key in ("countries", "sources"):
            for name, count in figures[key].items():
                artist[key][name] += count
    # An artist's listeners are distinct across its tracks, not a sum of theirs.
    for row in counted.values("day", "track__artist_id").annotate(listeners=Count("user_id", distinct=True)).order_by():
        artists[(row["day"], row["track__artist_id"])]["listeners"] = row["listeners"]

    def made(figures: dict[str, Any]) -> dict[str, Any]:
        # Plain dicts; their order is the database's (PostgreSQL's jsonb keeps none): readers sort.
        return {**figures, "countries": dict(figures["countries"]), "sources": dict(figures["sources"])}

    track_rows = [TrackDay(track_id=t, artist_id=artist_of[t], **made(f)) for (_, t), f in tracks.items()]
    artist_rows = [ArtistDay(artist_id=a, **made(f)) for (_, a), f in artists.items()]
    with transaction.atomic():
        TrackDay.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        ArtistDay.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        TrackDay.objects.bulk_create(track_rows, batch_size=BATCH)
        ArtistDay.objects.bulk_create(artist_rows, batch_size=BATCH)
    return RollupFigures(
        first_day=first_day, last_day=last_day, track_rows=len(track_rows), artist_rows=len(artist_rows)
    )


@dataclass(frozen=True)
class ListenersFigures:
    windows: tuple[int, ...]
    track_rows: int
    artist_rows: int


def listeners_run_name(days: int) -> str:
    """The bookmark of a window counted once a day: when it was last counted."""
    return f"listeners-{days}d"


def insights_listeners_rollup(*, windows: tuple[int, ...] = LISTENER_WINDOWS, now: datetime) -> ListenersFigures:
    """Count every track's and artist's distinct listeners over each window, as of ``now``.

    A window of ``days`` is that many UTC days, today's so far included, as
    the pages' periods are. Two queries per window whatever it holds (listeners grouped
    by track, then by artist, across its tracks), bounded by ``started_at`` so
    that PostgreSQL reads only the window's monthly partitions of the play
    table; then each window's rows are replaced in one transaction, so
    running it twice leaves the same rows as once.
    """
    track_rows: list[TrackListeners] = []
    artist_rows: list[ArtistListeners] = []
    for days in windows:
        first_day, _ = period_days(PERIODS[f"{days}d"], now=now)
        counted = Play.objects.filter(counted=True, started_at__gte=day_start(first_day), started_at__lte=now)
        track_rows += [
            TrackListeners(track_id=row["track_id"], days=days, listeners=row["listeners"], as_of=now)
            for row in counted.values("track_id").annotate(listeners=Count("user_id", distinct=True)).order_by()
        ]
        artist_rows += [
            ArtistListeners(artist_id=row["track__artist_id"], days=days, listeners=row["listeners"], as_of=now)
            for row in counted.values("track__artist_id").annotate(listeners=Count("user_id", distinct=True)).order_by()
        ]
    with transaction.atomic():
        TrackListeners.objects.filter(days__in=windows).delete()
        ArtistListeners.objects.filter(days__in=windows).delete()
        TrackListeners.objects.bulk_create(track_rows, batch_size=BATCH)
        ArtistListeners.objects.bulk_create(artist_rows, batch_size=BATCH)
    return ListenersFigures(windows=tuple(windows), track_rows=len(track_rows), artist_rows=len(artist_rows))


def _windows_due(*, now: datetime) -> tuple[int, ...]:
    """The windows to count in this run: every one but the daily ones already counted today (UTC).

    Call it inside the run's transaction, with the days' bookmark locked: it
    moves the daily windows' bookmarks to ``now``.
    """
    due = []
    for days in LISTENER_WINDOWS:
        if days in DAILY_WINDOWS:
            bookmark, _ = RollupRun.objects.get_or_create(name=listeners_run_name(days))
            if (
                bookmark.started_at is not None
                and bookmark.started_at.astimezone(UTC).date() >= now.astimezone(UTC).date()
            ):
                continue
            bookmark.started_at = now
            bookmark.save(update_fields=["started_at"])
        due.append(days)
    return tuple(due)


def _first_day_to_roll(*, last_run: datetime | None, now: datetime) -> date:
    if last_run is not None:
        return (last_run - ROLLUP_LATE).astimezone(UTC).date()
    earliest: datetime | None = Play.objects.aggregate(first=Min("started_at"))["first"]
    reach = now - FIRST_RUN_REACH
    return max(earliest or now, reach).astimezone(UTC).date()


def insights_rollup(*, now: datetime | None = None) -> RollupFigures:
    """Roll up the days touched since the last run (and today), then count the listeners of the windows due.

    Idempotent. Runs hold a lock on their bookmark, so two at once take turns rather
    than replace the same days' rows together.
    """
    now = now or timezone.now()
    with transaction.atomic():
        RollupRun.objects.get_or_create(name=RUN_NAME)
        run = RollupRun.objects.select_for_update().get(name=RUN_NAME)
        first_day = _first_day_to_roll(last_run=run.started_at, now=now)
        figures = insights_days_rollup(first_day=first_day, last_day=now.astimezone(UTC).date())
        listeners = insights_listeners_rollup(windows=_windows_due(now=now), now=now)
        run.started_at = now
        run.save(update_fields=["started_at"])
    return replace(figures, listener_windows=listeners.windows)
