from datetime import timedelta

import pytest
from django.utils import timezone

from subscriptions.models import Subscription
from tests.accounts.factories import UserFactory
from tests.streaming.conftest import published_track  # noqa: F401 - a fixture, for the grant's tests


@pytest.fixture
def listener(db):
    return UserFactory(username="lena")


def shift_back(subscription: Subscription, *, days: float) -> Subscription:
    """Move ``subscription`` ``days`` into the past, as if it had started that long before."""
    delta = timedelta(days=days)
    Subscription.objects.filter(pk=subscription.pk).update(
        started_at=subscription.started_at - delta,
        ends_at=subscription.ends_at - delta if subscription.ends_at else None,
    )
    subscription.refresh_from_db()
    return subscription


def minutes_from_now(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)
