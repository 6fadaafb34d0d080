"""Two requests for the trial at the same moment, on PostgreSQL: one trial, and a clear refusal for the other."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Profile
from subscriptions import providers
from subscriptions.models import Subscription
from subscriptions.providers import TRIAL
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_trials_asked_at_once_start_one(monkeypatch):
    listener = UserFactory()
    barrier = threading.Barrier(2, timeout=30)
    # Each request, once it has looked for an earlier trial, waits a moment for the other to have
    # looked too: without the lock on the profile both would find none and insert one each.
    checked = threading.Barrier(2)
    start = providers.subscription_start

    def start_once_both_checked(**kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # the other is held by the lock, as it should be
            checked.wait(timeout=2)
        return start(**kwargs)

    monkeypatch.setattr(providers, "subscription_start", start_once_both_checked)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            barrier.wait()
            TRIAL.start(user=listener)
            outcomes.append("started")
        except ValidationError as exc:
            outcomes.append(str(exc.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["started", "trial_used"]
    assert Subscription.objects.filter(user=listener).count() == 1
    assert Profile.objects.get(user=listener).plan == "premium"
