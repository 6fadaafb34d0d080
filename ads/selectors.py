"""Reads on ads: which campaigns a listener may hear now, and each campaign's figures."""

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from ads.models import AdBreak, Campaign, Impression
from catalog.models import Genre
from core.hotcache import hot_get, hot_set
from streaming.models import Play

RUNNING_KEY = "ads:campaigns:schedule"
RUNNING_SECONDS = 60

# The genres a listener "listens to": those of their plays of the last 30 days (the latest 200).
GENRE_WINDOW = dt.timedelta(days=30)
GENRE_PLAYS = 200


def listener_genre_ids(*, user: User, now: dt.datetime) -> set[int]:
    """The genres of what ``user`` played lately: their tracks' own, and their albums'."""
    track_ids = list(
        Play.objects.filter(user_id=user.pk, started_at__gte=now - GENRE_WINDOW)
        .order_by("-started_at")
        .values_list("track_id", flat=True)[:GENRE_PLAYS]
    )
    if not track_ids:
        return set()
    return set(
        Genre.objects.filter(Q(tracks__in=track_ids) | Q(albums__tracks__in=track_ids)).values_list("pk", flat=True)
    )


def campaigns_running(*, now: dt.datetime) -> bool:
    """Whether any campaign is ready and running now: read on every free grant, so from the hot cache.

    Forgotten when a campaign is saved or deleted (``ads/signals.py``); with
    none running, no listener owes a break and the grant counts nothing.
    """
    schedule: list[tuple[dt.datetime, dt.datetime]] | None = hot_get(RUNNING_KEY)
    if schedule is None:
        schedule = list(
            Campaign.objects.filter(status=Campaign.Status.READY, ends_at__gt=now)
            .exclude(media_folder="")
            .values_list("starts_at", "ends_at")
        )
        hot_set(RUNNING_KEY, schedule, RUNNING_SECONDS)
    return any(starts <= now < ends for starts, ends in schedule)


def campaigns_eligible(*, user: User, country: str, now: dt.datetime) -> list[Campaign]:
    """The campaigns ``user`` may hear now: running, ready, within budget and cap, and aimed at them."""
    running = list(
        Campaign.objects.filter(status=Campaign.Status.READY, starts_at__lte=now, ends_at__gt=now)
        .exclude(media_folder="")
        .prefetch_related("genres")
    )
    if not running:
        return []
    ids = [campaign.pk for campaign in running]
    started = dict(
        Impression.objects.filter(campaign_id__in=ids, campaign__impression_budget__isnull=False)
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    heard_today = dict(
        Impression.objects.filter(campaign_id__in=ids, user_id=user.pk, started_at__gte=day_start)
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )
    genres: set[int] | None = None  # read only when a campaign aims at genres
    eligible = []
    for campaign in running:
        if campaign.impression_budget is not None and started.get(campaign.pk, 0) >= campaign.impression_budget:
            continue
        if heard_today.get(campaign.pk, 0) >= campaign.frequency_cap:
            continue
        if campaign.countries and country.upper() not in {code.upper() for code in campaign.countries}:
            continue
        aimed = {genre.pk for genre in campaign.genres.all()}
        if aimed:
            if genres is None:
                genres = listener_genre_ids(user=user, now=now)
            if not aimed & genres:
                continue
        eligible.append(campaign)
    return eligible


def campaigns_pick(campaigns: Iterable[Campaign], *, rng: random.Random | None = None) -> list[Campaign]:
    """Up to ``ADS_PER_BREAK`` of ``campaigns``, drawn by weight without repeats, within the break's length."""
    rng = rng or random.SystemRandom()
    pool = list(campaigns)
    picked: list[Campaign] = []
    total = 0
    limit = settings.ADS_BREAK_MAX_SECONDS * 1000
    while pool and len(picked) < settings.ADS_PER_BREAK:
        campaign = rng.choices(pool, weights=[c.weight for c in pool])[0]
        pool.remove(campaign)
        if picked and total + campaign.duration_ms > limit:
            continue
        picked.append(campaign)
        total += campaign.duration_ms
    return picked


def ad_break_open(*, user: User) -> AdBreak | None:
    return AdBreak.objects.filter(user_id=user.pk, completed_at__isnull=True).first()


def campaign_figures(*, campaign: Campaign) -> dict[str, Any]:
    """Impressions started and completed, completion rate and clicks: in all, by day and by country."""

    def totals(rows: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        return rows.annotate(
            started=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
            clicks=Count("id", filter=Q(clicked_at__isnull=False)),
        )

    impressions = Impression.objects.filter(campaign_id=campaign.pk)
    overall = impressions.aggregate(
        started=Count("id"),
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        clicks=Count("id", filter=Q(clicked_at__isnull=False)),
    )
    by_day = totals(impressions.annotate(day=TruncDate("started_at")).values("day")).order_by("-day")
    by_country = totals(impressions.values("country")).order_by("-started")

    def rate(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "completion_rate": row["completed"] / row["started"] if row["started"] else None}

    return {
        "overall": rate(overall),
        "by_day": [rate(row) for row in by_day],
        "by_country": [rate(row) for row in by_country],
    }
