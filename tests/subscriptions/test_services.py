"""Periods of Premium: the trial once, staff grants, the end of each and what the plan does meanwhile."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from oauth2_provider.models import AccessToken

from accounts.bearer import access_token_cached, access_token_remember, token_checksum
from accounts.models import Profile
from accounts.services import access_token_issue
from subscriptions.models import Subscription
from subscriptions.providers import STAFF_GRANTS, TRIAL
from subscriptions.services import subscription_end, subscriptions_end, subscriptions_expire
from subscriptions.tasks import subscriptions_expire as subscriptions_expire_task
from tests.subscriptions.conftest import shift_back

pytestmark = pytest.mark.django_db


def _plan(user) -> str:
    return Profile.objects.get(user=user).plan


def _periods(user) -> list[tuple[str, bool]]:
    return [(row.provider, row.ended_at is None) for row in Subscription.objects.filter(user=user)]


def test_a_trial_gives_thirty_days_of_premium(listener):
    trial = TRIAL.start(user=listener)

    assert _plan(listener) == "premium"
    assert (trial.provider, trial.plan, trial.ends_at - trial.started_at) == ("trial", "premium", timedelta(days=30))


def test_a_listener_starts_the_trial_once_ever(listener):
    first = TRIAL.start(user=listener)
    subscription_end(subscription=first)
    assert _plan(listener) == "free"

    with pytest.raises(ValidationError) as refused:
        TRIAL.start(user=listener)

    assert refused.value.code == "trial_used"
    assert refused.value.messages == ["You have already had your free trial of Premium."]
    assert _periods(listener) == [("trial", False)]
    assert _plan(listener) == "free"


def test_the_database_holds_one_trial_per_listener(listener):
    TRIAL.start(user=listener)

    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=listener, provider="trial", ends_at=Subscription.objects.get().ends_at)


def test_a_premium_listener_cannot_start_the_trial(listener):
    STAFF_GRANTS.start(user=listener, days=None)

    with pytest.raises(ValidationError) as refused:
        TRIAL.start(user=listener)

    assert refused.value.code == "already_premium"
    assert _periods(listener) == [("staff", True)]


def test_a_trial_ends_on_time(listener):
    trial = TRIAL.start(user=listener)

    assert subscriptions_expire(at=trial.ends_at - timedelta(seconds=1)) == 0
    assert _plan(listener) == "premium"

    assert subscriptions_expire(at=trial.ends_at) == 1
    assert _plan(listener) == "free"
    trial.refresh_from_db()
    assert trial.ended_at == trial.ends_at

    assert subscriptions_expire(at=trial.ends_at + timedelta(days=1)) == 0  # again: the same state
    assert _plan(listener) == "free"
    assert _periods(listener) == [("trial", False)]


def test_the_periodic_task_ends_a_trial_whose_thirty_days_are_over(listener):
    trial = TRIAL.start(user=listener)
    shift_back(trial, days=29.99)

    subscriptions_expire_task.delay()
    assert _plan(listener) == "premium"

    shift_back(trial, days=0.02)  # 30 days and a little
    subscriptions_expire_task.delay()
    subscriptions_expire_task.delay()

    assert _plan(listener) == "free"
    assert _periods(listener) == [("trial", False)]


def test_a_staff_grant_running_past_the_trials_end_keeps_the_listener_premium(listener, staff):
    trial = TRIAL.start(user=listener)
    grant = STAFF_GRANTS.start(user=listener, by=staff, days=45)

    assert subscriptions_expire(at=trial.ends_at) == 1
    assert _plan(listener) == "premium"
    assert grant.granted_by == staff

    assert subscriptions_expire(at=grant.ends_at) == 1
    assert _plan(listener) == "free"


def test_premium_until_revoked_outlives_every_expiry(listener):
    STAFF_GRANTS.start(user=listener, days=None)

    assert subscriptions_expire(at=Subscription.objects.get().started_at + timedelta(days=3650)) == 0
    assert _plan(listener) == "premium"


def test_ending_premium_ends_every_running_period_and_keeps_them(listener):
    trial = TRIAL.start(user=listener)
    STAFF_GRANTS.start(user=listener, days=None)

    assert subscriptions_end(user=listener) == 2

    assert _plan(listener) == "free"
    assert _periods(listener) == [("staff", False), ("trial", False)]
    trial.refresh_from_db()
    assert trial.started_at <= trial.ended_at < trial.ends_at
    assert subscriptions_end(user=listener) == 0


def test_ending_premium_puts_a_listener_premium_without_periods_back_on_free(listener):
    Profile.objects.filter(user=listener).update(plan="premium")

    subscriptions_end(user=listener)

    assert _plan(listener) == "free"


def test_ending_one_period_of_two_keeps_premium(listener):
    trial = TRIAL.start(user=listener)
    STAFF_GRANTS.start(user=listener, days=10)

    subscription_end(subscription=trial)
    subscription_end(subscription=trial)

    assert _plan(listener) == "premium"
    assert _periods(listener) == [("staff", True), ("trial", False)]


def test_a_token_another_request_cached_before_the_commit_is_forgotten_after_it(
    listener, django_capture_on_commit_callbacks
):
    raw = access_token_issue(user=listener).access_token
    checksum = token_checksum(raw)
    loaded = AccessToken.objects.select_related("application", "user__profile").get(token_checksum=checksum)
    assert loaded.user.profile.plan == "free"

    with django_capture_on_commit_callbacks(execute=True):
        TRIAL.start(user=listener)
        access_token_remember(loaded)  # read by another request while the trial was not yet committed

    assert access_token_cached(checksum) is None
