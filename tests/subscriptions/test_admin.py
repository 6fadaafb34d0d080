"""Staff grant and end Premium from the admin's user list and subscription list."""

import pytest

from accounts.models import Profile
from subscriptions.models import Subscription
from subscriptions.providers import STAFF_GRANTS, TRIAL

pytestmark = pytest.mark.django_db


def _act(admin_client_, model: str, action: str, *objects) -> str:
    response = admin_client_.post(
        f"/admin/{model}/", {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def _state(user) -> tuple[str, list[tuple[str, bool, bool]]]:
    rows = Subscription.objects.filter(user=user)
    return Profile.objects.get(user=user).plan, [(r.provider, r.ends_at is None, r.ended_at is None) for r in rows]


def test_staff_grant_premium_for_thirty_days(admin_client_, listener, staff):
    page = _act(admin_client_, "accounts/user", "premium_grant_days", listener)

    assert "Premium granted for 30 days to 1." in page
    assert _state(listener) == ("premium", [("staff", False, True)])
    grant = Subscription.objects.get(user=listener)
    assert (grant.granted_by, (grant.ends_at - grant.started_at).days) == (staff, 30)


def test_staff_grant_premium_until_revoked_then_end_it(admin_client_, listener):
    _act(admin_client_, "accounts/user", "premium_grant_open", listener)
    assert _state(listener) == ("premium", [("staff", True, True)])

    page = _act(admin_client_, "accounts/user", "premium_end", listener)

    assert "1 back on the free plan." in page
    assert _state(listener) == ("free", [("staff", True, False)])


def test_staff_end_a_trial_from_the_subscription_list(admin_client_, listener):
    trial = TRIAL.start(user=listener)
    grant = STAFF_GRANTS.start(user=listener, days=None)

    page = _act(admin_client_, "subscriptions/subscription", "end_now", trial)
    assert "Ended 1 of 1." in page
    assert _state(listener) == ("premium", [("staff", True, True), ("trial", False, False)])

    _act(admin_client_, "subscriptions/subscription", "end_now", trial, grant)
    assert _state(listener) == ("free", [("staff", True, False), ("trial", False, False)])


def test_the_plan_is_read_only_on_the_user_and_profile_pages(admin_client_, listener):
    user_page = admin_client_.get(f"/admin/accounts/user/{listener.pk}/change/").content.decode()
    profile_page = admin_client_.get(f"/admin/accounts/profile/{listener.profile.pk}/change/").content.decode()

    assert 'name="profile-0-plan"' not in user_page
    assert 'name="profile-0-country"' in user_page
    assert 'name="plan"' not in profile_page
    assert 'name="country"' in profile_page


def test_the_subscription_list_does_not_query_per_row(admin_client_, django_assert_max_num_queries):
    from tests.accounts.factories import UserFactory

    for _ in range(20):
        STAFF_GRANTS.start(user=UserFactory(), days=30)

    with django_assert_max_num_queries(8):
        response = admin_client_.get("/admin/subscriptions/subscription/")

    assert response.status_code == 200
