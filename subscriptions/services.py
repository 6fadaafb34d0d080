"""Writes on subscriptions: the one way a listener's plan changes.

Every service here locks the listener's profile row first, so that two
changes to one listener's plan (a trial starting while the expiry task ends a
staff grant) happen one after the other. The plan is then set from the
periods that run (:func:`_plan_settle`), through ``accounts``' own service,
and the listener's cached bearer tokens are forgotten after commit as well as
at once (``accounts/bearer.py``): a grant that loaded the token between the
change and its commit would otherwise keep the old plan for minutes.
"""

from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.bearer import access_tokens_forget_user
from accounts.models import Profile, User
from accounts.services import profile_plan_set
from subscriptions.models import Subscription

# How many listeners the expiry task settles per read of the due periods.
EXPIRE_BATCH = 500


def _profile_locked(user_id: int) -> Profile:
    return Profile.objects.select_for_update().get(user_id=user_id)


def _plan_settle(*, profile: Profile, at: datetime) -> None:
    """Set the plan from the periods running at ``at``: theirs while one runs, free when none does."""
    running = Subscription.objects.running(at=at).filter(user_id=profile.user_id).values_list("plan", flat=True)
    plan = running.first() or Profile.Plan.FREE
    if profile.plan != plan:
        profile_plan_set(profile=profile, plan=plan)
        transaction.on_commit(partial(access_tokens_forget_user, profile.user_id))


@transaction.atomic
def subscription_start(
    *,
    user: User,
    provider: str,
    ends_at: datetime | None,
    plan: str = Profile.Plan.PREMIUM,
    granted_by: User | None = None,
    external_id: str = "",
    at: datetime | None = None,
) -> Subscription:
    """A period of ``plan`` for ``user`` from ``at`` (now) to ``ends_at`` (``None``: until ended); the plan follows."""
    at = at or timezone.now()
    if ends_at is not None and ends_at <= at:
        raise ValidationError(_("A subscription must end after it starts."), code="invalid_period")
    profile = _profile_locked(user.pk)
    subscription = Subscription.objects.create(
        user=user,
        plan=plan,
        provider=provider,
        granted_by=granted_by,
        external_id=external_id,
        started_at=at,
        ends_at=ends_at,
    )
    _plan_settle(profile=profile, at=at)
    return subscription


@transaction.atomic
def subscription_end(*, subscription: Subscription, at: datetime | None = None) -> Subscription:
    """End ``subscription`` at ``at`` (now), or at its own end if that came first; ending it twice changes nothing."""
    at = at or timezone.now()
    profile = _profile_locked(subscription.user_id)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.ended_at is None:
        ended_at = max(subscription.started_at, min(at, subscription.ends_at or at))
        subscription.ended_at = ended_at
        subscription.save(update_fields=["ended_at"])
    _plan_settle(profile=profile, at=at)
    return subscription


@transaction.atomic
def subscriptions_end(*, user: User, at: datetime | None = None) -> int:
    """End every period of ``user`` that has not ended, whoever started it: the listener is on free after."""
    at = at or timezone.now()
    profile = _profile_locked(user.pk)
    ended = 0
    for subscription in Subscription.objects.select_for_update().filter(user=user, ended_at__isnull=True):
        subscription.ended_at = max(subscription.started_at, min(at, subscription.ends_at or at))
        subscription.save(update_fields=["ended_at"])
        ended += 1
    _plan_settle(profile=profile, at=at)
    return ended


@transaction.atomic
def _due_end(*, user_id: int, at: datetime) -> int:
    profile = _profile_locked(user_id)
    due = list(Subscription.objects.select_for_update().due(at=at).filter(user_id=user_id))
    for subscription in due:
        subscription.ended_at = subscription.ends_at  # when it ended, not when this noticed
        subscription.save(update_fields=["ended_at"])
    _plan_settle(profile=profile, at=at)
    return len(due)


def subscriptions_expire(*, at: datetime | None = None) -> int:
    """End every period whose end has come by ``at`` (now); each listener with none left running goes back to free.

    Idempotent: a period ended once is not due any more, so a second run finds
    nothing to do. Each listener is settled in a transaction of their own.
    Answers how many periods it ended.
    """
    at = at or timezone.now()
    ended = 0
    while True:
        due = Subscription.objects.due(at=at).order_by("user_id").values_list("user_id", flat=True).distinct()
        user_ids = list(due[:EXPIRE_BATCH])
        if not user_ids:
            return ended
        for user_id in user_ids:
            ended += _due_end(user_id=user_id, at=at)
