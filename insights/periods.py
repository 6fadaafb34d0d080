"""The periods the insights are shown for, and the UTC days they cover."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    key: str
    label: str | Promise  # translated when shown
    short: str | Promise  # the label in the period menu, where "Last" goes without saying
    days: int  # 0: the last 24 hours, live

    @property
    def live(self) -> bool:
        return self.days == 0


PERIODS = {
    "24h": Period("24h", _("Last 24 hours"), _("24 hours"), 0),
    "7d": Period("7d", _("Last 7 days"), _("7 days"), 7),
    "28d": Period("28d", _("Last 28 days"), _("28 days"), 28),
    "365d": Period("365d", _("Last 12 months"), _("12 months"), 365),
}
DEFAULT_PERIOD = "28d"
LIVE_HOURS = 24


def period_of(key: str | None) -> Period:
    """The period a query string names; the default one for anything else."""
    return PERIODS.get(key or "", PERIODS[DEFAULT_PERIOD])


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def utc_today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def period_days(period: Period, *, now: datetime) -> tuple[date, date]:
    """The first and last UTC day of a period of days: the last one is today, so far."""
    last = utc_today(now)
    return last - timedelta(days=max(period.days, 1) - 1), last


def days_between(first_day: date, last_day: date) -> Iterator[date]:
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)
