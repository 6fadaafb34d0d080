"""Reads of the insights: the day tables, and the live counters for the last 24 hours.

Periods of days (7, 28, 365) read ``TrackDay`` and ``ArtistDay``, and their
distinct listeners ``TrackListeners`` and ``ArtistListeners`` (a period's
listeners cannot be summed from its days). The last 24 hours read the live
counters in Redis (``streaming.playlog``); when they cannot be read (Redis
down, or the embedded default without it) the same figures come from the play
rows of those hours, the database being the truth. Saves, playlist adds and
skips are not counted live: in the 24-hour view they are today's (UTC) so
far, from the day tables.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_countries import countries as country_names

from catalog.models import Album, Track
from insights.models import ArtistDay, ArtistListeners, TrackDay, TrackListeners
from insights.periods import LIVE_HOURS, PERIODS, Period, day_start, days_between, period_days, utc_today
from streaming.models import Play
from streaming.playlog import live_figures

Kind = Literal["artist", "track"]
# An artist's tracks whose live figures the 24-hour top list reads: its most played ones.
LIVE_TOP_CANDIDATES = 200
TOP_TRACKS = 10
TOP_COUNTRIES = 10
RELEASE_DAYS = 7
# A period's listeners counted longer ago than this are shown with the time they were counted. The
# roll-up counts 7 and 28 days every 10 minutes, 365 days once a day.
LISTENERS_FRESH_FOR = timedelta(minutes=20)


@dataclass(frozen=True)
class Live:
    """The last ``LIVE_HOURS`` hours of one track or artist."""

    streams: int = 0
    listeners: int = 0
    hourly: list[int] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    """One bar of the chart: a day, or an hour in the 24-hour view."""

    start: datetime
    label: str
    streams: int
    listeners: int | None


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    streams: int
    percent: int


@dataclass(frozen=True)
class Counted:
    """An item's distinct listeners over a window of days, and when they were counted."""

    listeners: int = 0
    as_of: datetime | None = None  # None: no listener in the window when it was last counted


@dataclass(frozen=True)
class Figures:
    period: Period
    start: datetime
    end: datetime
    from_live_counters: bool
    streams: int
    listeners: int
    # For periods of days: when the listeners were counted, and whether that is too long ago to go unsaid.
    listeners_as_of: datetime | None
    listeners_stale: bool
    skips: int
    saves: int
    playlist_adds: int
    countries: list[Share]
    sources: list[Share]
    series: list[Point]

    @property
    def skip_rate(self) -> float | None:
        """The share of plays skipped (stopped under 30 s, not at the end), of those counted or skipped."""
        started = self.streams + self.skips
        return self.skips / started if started else None

    @property
    def skip_percent(self) -> int | None:
        rate = self.skip_rate
        return None if rate is None else round(100 * rate)


@dataclass(frozen=True)
class Total:
    period: Period
    streams: int
    listeners: int
    listeners_as_of: datetime | None
    listeners_stale: bool


@dataclass(frozen=True)
class Insights:
    figures: Figures
    totals: list[Total]


@dataclass(frozen=True)
class TopTrack:
    track_id: int
    title: str
    streams: int
    listeners: int


@dataclass(frozen=True)
class ReleaseTrack:
    track_id: int
    title: str
    streams: int
    listeners: int


@dataclass(frozen=True)
class Release:
    album: Album
    tracks: list[ReleaseTrack]

    @property
    def streams(self) -> int:
        return sum(track.streams for track in self.tracks)


# The last 24 hours.


def _hour_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def live_window(now: datetime) -> tuple[datetime, datetime]:
    """The hours the live figures cover, as the counters' buckets do: this hour and the 23 before it."""
    last_hour = _hour_floor(now)
    return last_hour - timedelta(hours=LIVE_HOURS - 1), last_hour + timedelta(hours=1)


def _plays_of(kind: Kind, ids: list[int]) -> QuerySet[Play]:
    return Play.objects.filter(**{"track__artist_id__in" if kind == "artist" else "track_id__in": ids})


def live_from_plays(*, kind: Kind, ids: list[int], now: datetime, totals_only: bool = False) -> dict[int, Live]:
    """The live figures counted from the play rows instead: three queries whatever the ids (one for the totals)."""
    start, end = live_window(now)
    key = "track__artist_id" if kind == "artist" else "track_id"
    plays = _plays_of(kind, ids).filter(counted=True, started_at__gte=start, started_at__lt=end).order_by()
    totals = {
        row[key]: row
        for row in plays.values(key).annotate(streams=Count("id"), listeners=Count("user_id", distinct=True))
    }
    hourly: dict[int, list[int]] = defaultdict(lambda: [0] * LIVE_HOURS)
    shares: dict[str, dict[int, dict[str, int]]] = {
        "source": defaultdict(lambda: defaultdict(int)),
        "country": defaultdict(lambda: defaultdict(int)),
    }
    if not totals_only:
        hours = plays.annotate(hour=TruncHour("started_at", tzinfo=UTC)).values(key, "hour").annotate(n=Count("id"))
        for row in hours:
            hourly[row[key]][int((row["hour"] - start).total_seconds() // 3600)] += row["n"]
        # Sources and countries in one query: a few rows per item (sources times countries).
        for row in plays.values(key, "source", "country").annotate(n=Count("id")):
            for name, by_item in shares.items():
                by_item[row[key]][row[name] or ""] += row["n"]
    return {
        item: Live(
            streams=totals[item]["streams"] if item in totals else 0,
            listeners=totals[item]["listeners"] if item in totals else 0,
            hourly=hourly[item],
            sources=dict(shares["source"].get(item, {})),
            countries=dict(shares["country"].get(item, {})),
        )
        for item in ids
    }


def live_of(*, kind: Kind, ids: list[int], now: datetime, totals_only: bool = False) -> tuple[dict[int, Live], bool]:
    """The last 24 hours of each id, and whether it came from the live counters (else from the plays).

    ``totals_only``: only streams and listeners are wanted (it saves queries when counting from the plays).
    """
    if not ids:
        return {}, True
    counted = live_figures(kind=kind, ids=ids, hours=LIVE_HOURS, now=now)
    if counted is None:
        return live_from_plays(kind=kind, ids=ids, now=now, totals_only=totals_only), False
    found = {
        item: Live(
            streams=figures.streams,
            listeners=figures.listeners,
            hourly=list(figures.hourly),
            sources=dict(figures.sources),
            countries=dict(figures.countries),
        )
        for item, figures in counted.items()
    }
    return {item: found.get(item, Live(hourly=[0] * LIVE_HOURS)) for item in ids}, True


# Shares and series.


def _source_labels() -> dict[str, str]:
    """The sources of streams, named in the language of the request."""
    return {value: str(label) for value, label in Play.Source.choices}


def _shares(counts: dict[str, int], labels: dict[str, str], limit: int | None = None) -> list[Share]:
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        Share(
            key=key,
            label=labels.get(key) or key or gettext("Unknown"),
            streams=n,
            percent=round(100 * n / total) if total else 0,
        )
        for key, n in ranked
        if n
    ]


def _country_labels(codes: Iterable[str]) -> dict[str, str]:
    return {code: country_names.name(code) or code for code in codes if code}


def _summed(rows: Iterable[dict[str, Any]], key: str) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, count in row[key].items():
            total[name] += count
    return total


FIELDS = ("day", "streams", "listeners", "skips", "saves", "playlist_adds", "countries", "sources")


def _day_rows(*, kind: Kind, item_id: int, first_day: date, last_day: date) -> list[dict[str, Any]]:
    if kind == "artist":
        rows = ArtistDay.objects.filter(artist_id=item_id, day__gte=first_day, day__lte=last_day).values(*FIELDS)
    else:
        rows = TrackDay.objects.filter(track_id=item_id, day__gte=first_day, day__lte=last_day).values(*FIELDS)
    return list(rows.order_by("day"))


def period_listeners(*, kind: Kind, item_id: int) -> dict[int, Counted]:
    """The item's distinct listeners over each window of days (7, 28, 365) as last counted: one query."""
    rows: Iterable[tuple[int, int, datetime]]
    if kind == "artist":
        rows = ArtistListeners.objects.filter(artist_id=item_id).values_list("days", "listeners", "as_of")
    else:
        rows = TrackListeners.objects.filter(track_id=item_id).values_list("days", "listeners", "as_of")
    return {days: Counted(listeners=listeners, as_of=as_of) for days, listeners, as_of in rows}


def _stale(as_of: datetime | None, *, now: datetime) -> bool:
    return as_of is not None and as_of < now - LISTENERS_FRESH_FOR


def _figures_from_days(period: Period, rows: list[dict[str, Any]], counted: Counted, *, now: datetime) -> Figures:
    first_day, last_day = period_days(period, now=now)
    rows = [row for row in rows if first_day <= row["day"] <= last_day]
    by_day = {row["day"]: row for row in rows}
    series = [
        Point(
            start=day_start(day),
            label=date_format(day, "D j M Y"),
            streams=by_day[day]["streams"] if day in by_day else 0,
            listeners=by_day[day]["listeners"] if day in by_day else 0,
        )
        for day in days_between(first_day, last_day)
    ]
    countries = _summed(rows, "countries")
    return Figures(
        period=period,
        start=day_start(first_day),
        end=min(now, day_start(last_day + timedelta(days=1))),
        from_live_counters=False,
        streams=sum(row["streams"] for row in rows),
        # Counted over the whole period by the roll-up: a listener who comes back on several days counts once.
        listeners=counted.listeners,
        listeners_as_of=counted.as_of,
        listeners_stale=_stale(counted.as_of, now=now),
        skips=sum(row["skips"] for row in rows),
        saves=sum(row["saves"] for row in rows),
        playlist_adds=sum(row["playlist_adds"] for row in rows),
        countries=_shares(countries, _country_labels(countries), TOP_COUNTRIES),
        sources=_shares(_summed(rows, "sources"), _source_labels()),
        series=series,
    )


def _figures_live(live: Live, today: dict[str, Any] | None, *, now: datetime, from_counters: bool) -> Figures:
    start, end = live_window(now)
    series = [
        Point(
            start=start + timedelta(hours=n), label=f"{start + timedelta(hours=n):%H}:00 UTC", streams=s, listeners=None
        )
        for n, s in enumerate(live.hourly)
    ]
    return Figures(
        period=PERIODS["24h"],
        start=start,
        end=min(now, end),
        from_live_counters=from_counters,
        streams=live.streams,
        listeners=live.listeners,
        listeners_as_of=None,
        listeners_stale=False,
        skips=today["skips"] if today else 0,
        saves=today["saves"] if today else 0,
        playlist_adds=today["playlist_adds"] if today else 0,
        countries=_shares(live.countries, _country_labels(live.countries), TOP_COUNTRIES),
        sources=_shares(live.sources, _source_labels()),
        series=series,
    )


def item_insights(*, kind: Kind, item_id: int, period: Period, now: datetime | None = None) -> Insights:
    """A track's or an artist's figures for ``period``, and its streams and listeners in each period.

    One query for the year of day rows, one for the listeners of each period
    of days, and the live counters (or, when they cannot be read, three
    queries on the last 24 hours of plays, one when the period is not 24 hours).
    """
    now = now or timezone.now()
    year = PERIODS["365d"]
    first_day, last_day = period_days(year, now=now)
    rows = _day_rows(kind=kind, item_id=item_id, first_day=first_day, last_day=last_day)
    listeners = period_listeners(kind=kind, item_id=item_id)
    lives, from_counters = live_of(kind=kind, ids=[item_id], now=now, totals_only=not period.live)
    live = lives[item_id]
    today = next((row for row in rows if row["day"] == utc_today(now)), None)
    by_period = {
        key: _figures_from_days(p, rows, listeners.get(p.days, Counted()), now=now)
        for key, p in PERIODS.items()
        if not p.live
    }
    by_period["24h"] = _figures_live(live, today, now=now, from_counters=from_counters)
    totals = [
        Total(
            period=p,
            streams=figures.streams,
            listeners=figures.listeners,
            listeners_as_of=figures.listeners_as_of,
            listeners_stale=figures.listeners_stale,
        )
        for p, figures in ((p, by_period[key]) for key, p in PERIODS.items())
    ]
    return Insights(figures=by_period[period.key], totals=totals)


def artist_top_tracks(*, artist_id: int, period: Period, now: datetime | None = None) -> list[TopTrack]:
    """The artist's most streamed tracks of the period, with their listeners: one query (two for the last 24 hours).

    Each track's listeners are its distinct listeners over the period, as the
    roll-up last counted them (live for the last 24 hours).
    """
    now = now or timezone.now()
    if period.live:
        candidates = dict(
            Track.objects.filter(artist_id=artist_id)
            .order_by("-play_count", "id")
            .values_list("id", "title")[:LIVE_TOP_CANDIDATES]
        )
        lives, _ = live_of(kind="track", ids=list(candidates), now=now, totals_only=True)
        ranked = sorted(lives.items(), key=lambda item: (-item[1].streams, candidates[item[0]]))
        return [
            TopTrack(track_id=t, title=candidates[t], streams=live.streams, listeners=live.listeners)
            for t, live in ranked[:TOP_TRACKS]
            if live.streams
        ]
    first_day, last_day = period_days(period, now=now)
    listeners = TrackListeners.objects.filter(track_id=OuterRef("track_id"), days=period.days).values("listeners")
    rows = (
        TrackDay.objects.filter(artist_id=artist_id, day__gte=first_day, day__lte=last_day)
        .values("track_id", "track__title")
        .annotate(total=Sum("streams"), listeners=Coalesce(Subquery(listeners[:1]), 0))
        .filter(total__gt=0)
        .order_by("-total", "track__title")[:TOP_TRACKS]
    )
    return [
        TopTrack(track_id=row["track_id"], title=row["track__title"], streams=row["total"], listeners=row["listeners"])
        for row in rows
    ]


def artist_new_releases(*, artist_id: int, now: datetime | None = None) -> list[Release]:
    """The artist's albums published in the last 7 days, each track with its last 24 hours.

    Two queries (albums, their tracks) and one read of the live counters.
    """
    now = now or timezone.now()
    albums = list(
        Album.objects.filter(
            artist_id=artist_id,
            status=Album.Status.PUBLISHED,
            published_at__gte=now - timedelta(days=RELEASE_DAYS),
        ).order_by("-published_at", "-id")
    )
    tracks = list(
        Track.objects.filter(album__in=albums)
        .order_by("disc_number", "track_number", "id")
        .values_list("id", "title", "album_id")
    )
    lives, _ = live_of(kind="track", ids=[t for t, _, _ in tracks], now=now, totals_only=True)
    releases = []
    for album in albums:
        rows = [
            ReleaseTrack(track_id=t, title=title, streams=lives[t].streams, listeners=lives[t].listeners)
            for t, title, album_id in tracks
            if album_id == album.pk
        ]
        releases.append(Release(album=album, tracks=rows))
    return releases


def day_rows_for_export(
    *, kind: Kind, item_id: int, period: Period, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The period's days, one row each (days without a row as zeros), for the CSV export."""
    now = now or timezone.now()
    first_day, last_day = period_days(period, now=now)
    rows = {row["day"]: row for row in _day_rows(kind=kind, item_id=item_id, first_day=first_day, last_day=last_day)}
    empty = {"streams": 0, "listeners": 0, "skips": 0, "saves": 0, "playlist_adds": 0, "countries": {}, "sources": {}}
    return [{**empty, **rows.get(day, {}), "day": day} for day in days_between(first_day, last_day)]


def period_row_for_export(*, kind: Kind, item_id: int, period: Period, days: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole period in one row, after its ``days``: their sums, and the period's distinct listeners (one query).

    ``period`` names ``day`` as an ISO 8601 interval of dates (``2026-11-24/2026-11-30``).
    """
    counted = period_listeners(kind=kind, item_id=item_id).get(period.days, Counted())
    total: dict[str, Any] = {
        "period": f"{days[0]['day'].isoformat()}/{days[-1]['day'].isoformat()}",
        "listeners": counted.listeners,
        "countries": _summed(days, "countries"),
        "sources": _summed(days, "sources"),
    }
    for key in ("streams", "skips", "saves", "playlist_adds"):
        total[key] = sum(row[key] for row in days)
    return total
