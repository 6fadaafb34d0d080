"""Reads on subscriptions: a listener's plan, until when, and whether the trial is still theirs to take."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Profile, User
from subscriptions.models import Subscription
from subscriptions.terms import TRIAL_DAYS, TRIAL_PROVIDER, trial_available

HISTORY_LENGTH = 50


@dataclass(frozen=True)
class SubscriptionState:
    plan: str
    plan_name: str
    bitrate_cap: int
    # When the plan goes back to free: the last end of the periods running; None while
    # one runs until ended, and on the free plan.
    ends_at: datetime | None
    trial: Subscription | None  # the listener's trial, running or over, if they took it
    trial_available: bool
    trial_days: int

    @property
    def on_trial(self) -> bool:
        return self.trial is not None and self.trial.ended_at is None and self.plan != Profile.Plan.FREE


def subscription_state(*, user: User, at: datetime | None = None) -> SubscriptionState:
    """The listener's plan as the rest of the site applies it, with what subscriptions say of it: one query.

    The profile comes with the user (a session's and a cached token's user carry it).
    """
    at = at or timezone.now()
    profile = user.profile
    rows = list(Subscription.objects.filter(Q(ended_at__isnull=True) | Q(provider=TRIAL_PROVIDER), user=user))
    running = [row for row in rows if row.ended_at is None and (row.ends_at is None or row.ends_at > at)]
    trial = next((row for row in rows if row.provider == TRIAL_PROVIDER), None)
    ends_at = None
    if profile.plan != Profile.Plan.FREE and running and all(row.ends_at is not None for row in running):
        ends_at = max(row.ends_at for row in running if row.ends_at is not None)
    return SubscriptionState(
        plan=profile.plan,
        plan_name=profile.get_plan_display(),
        bitrate_cap=profile.bitrate_cap,
        ends_at=ends_at,
        trial=trial,
        trial_available=trial_available(plan=profile.plan, trial_taken=trial is not None),
        trial_days=TRIAL_DAYS,
    )


def subscription_history(*, user: User) -> QuerySet[Subscription]:
    """The listener's periods, the latest first (the last ``HISTORY_LENGTH``)."""
    return Subscription.objects.filter(user=user).order_by("-started_at", "-id")[:HISTORY_LENGTH]
