"""The ad break in the stream grant: a listener on the free plan who owes one gets no other track first."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from ads.ledger import ledger_count, ledger_reset
from ads.selectors import campaigns_eligible, campaigns_running
from streaming.gates import GrantAttempt, GrantRefusedError


def ad_break_check(attempt: GrantAttempt) -> None:
    """Count the grant for a free listener, or refuse it with ``ad_break_due``.

    Premium listeners, and everyone while no campaign runs, pass at once.

    A break is owed only when there is an ad for the listener to hear: with
    none (no campaign running for them now), the music goes on and the count
    starts again from this track.
    """
    if attempt.user.profile.plan != Profile.Plan.FREE or not campaigns_running(now=timezone.now()):
        return
    user_id = attempt.user.pk
    state = ledger_count(user_id=user_id, track_id=attempt.track_id, duration_ms=attempt.duration_ms)
    if not state.due:
        return
    if not campaigns_eligible(user=attempt.user, country=attempt.country, now=timezone.now()):
        ledger_reset(user_id=user_id)
        ledger_count(user_id=user_id, track_id=attempt.track_id, duration_ms=attempt.duration_ms)
        return
    raise GrantRefusedError(
        code="ad_break_due",
        message="An ad break is due. Start it, and the music goes on once it is over.",
        details={"ad_breaks_url": reverse("ad-breaks")},
    )
