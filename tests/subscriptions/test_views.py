"""The Premium page: what each plan gives, the listener's plan, and the trial's button while it is theirs."""

import pytest
from django.urls import reverse

from accounts.models import Profile
from subscriptions.models import Subscription
from subscriptions.providers import STAFF_GRANTS, TRIAL
from subscriptions.services import subscription_end
from tests.spotifyclone.test_page_budget import BUDGET

pytestmark = pytest.mark.django_db

PAGE = "/premium/"
START = "/premium/trial/"


@pytest.fixture
def signed_in(client, listener):
    client.force_login(listener)
    return client


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_page_compares_the_plans_with_the_caps_grants_apply(client, settings):
    page = _text(client.get(PAGE))

    free, premium = Profile.PLAN_BITRATE_CAPS.values()
    assert f"<td>Up to {free} kbit/s</td><td>Up to {premium} kbit/s</td>" in page
    assert '<th scope="row">Ad breaks between tracks</th><td>Yes</td><td>None</td>' in page
    assert "to try Premium free for 30 days" in page
    assert START not in page


def test_a_free_listener_starts_the_trial_once(signed_in, listener):
    page = _text(signed_in.get(PAGE))
    assert "Your plan: Free" in page
    assert "Start your 30-day free trial" in page

    started = _text(signed_in.post(START, follow=True))

    trial = Subscription.objects.get(user=listener)
    until = f"{trial.ends_at:%-d %B %Y}"
    assert f"Your free trial of Premium has started. It runs until {until}." in started
    assert "Your plan: Premium" in started
    assert "Your free trial runs until" in started
    assert "Start your 30-day free trial" not in started

    again = _text(signed_in.post(START, follow=True))

    assert "You have already had your free trial of Premium." in again
    assert Subscription.objects.filter(user=listener).count() == 1


def test_a_listener_back_on_free_after_the_trial_is_refused_a_second(signed_in, listener):
    subscription_end(subscription=TRIAL.start(user=listener))

    page = _text(signed_in.get(PAGE))
    refused = _text(signed_in.post(START, follow=True))

    assert "You have had your free trial of Premium." in page
    assert "Start your 30-day free trial" not in page
    assert "You have already had your free trial of Premium." in refused
    assert Profile.objects.get(user=listener).plan == "free"


def test_premium_granted_until_revoked_says_so(signed_in, listener):
    STAFF_GRANTS.start(user=listener, days=None)

    page = _text(signed_in.get(PAGE))

    assert "Your plan: Premium" in page
    assert "Premium runs until it is ended." in page
    assert "Start your" not in page


def test_starting_the_trial_needs_a_post_and_a_listener(client, signed_in):
    assert signed_in.get(START).status_code == 405
    assert client.logout() is None
    response = client.post(START)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={START}")
    assert Subscription.objects.count() == 0


def test_the_account_page_and_the_top_bar_lead_free_listeners_to_it(signed_in, listener):
    settings_page = signed_in.get(reverse("accounts:settings")).content.decode()
    assert f'href="{PAGE}"' in settings_page

    STAFF_GRANTS.start(user=listener, days=None)
    home = signed_in.get("/").content.decode()
    assert 'class="premium-link"' not in home


def test_a_free_listener_sees_the_link_in_the_top_bar(signed_in):
    assert 'class="premium-link"' in signed_in.get("/").content.decode()


@pytest.mark.parametrize("periods", [0, 30])
def test_the_page_keeps_the_listener_page_query_budget(signed_in, listener, periods, django_assert_max_num_queries):
    for _ in range(periods):
        subscription_end(subscription=STAFF_GRANTS.start(user=listener, days=5))
    TRIAL.start(user=listener)
    signed_in.get("/library/tracks/")

    with django_assert_max_num_queries(BUDGET):
        response = signed_in.get(PAGE)

    assert response.status_code == 200
