"""The Premium page in a browser: a free listener starts the trial, on a phone and a desktop, and axe finds nothing."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Profile
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_pages import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_free_listener_starts_the_trial_from_the_premium_page(
    browser: Any, live_server: Any, listener: Any, screenshot: Callable[[Any, str], None]
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(f"{live_server.url}{reverse('subscriptions:premium')}")
    assert response is not None
    assert response.status == 200
    violations = {"visitor": accessibility_violations(page)}
    screenshot(page, "page-premium-visitor")

    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", listener.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("header a.premium-link")  # the top bar leads a free listener there
    page.wait_for_selector("h2:text-is('Your plan: Free')")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations["free"] = accessibility_violations(page)
    screenshot(page, "page-premium-free")

    page.click("button:text-is('Start your 30-day free trial')")
    page.wait_for_selector("h2:text-is('Your plan: Premium')")
    assert page.locator("text=Your free trial of Premium has started.").count() == 1
    assert page.locator("button:text-is('Start your 30-day free trial')").count() == 0
    violations["on trial"] = accessibility_violations(page)
    screenshot(page, "page-premium-trial")

    page.reload()  # the page only swapped its content, so music kept playing; the top bar is redrawn now
    assert page.locator("header a.premium-link").count() == 0
    assert Profile.objects.get(user=listener).plan == "premium"
    assert errors == []
    assert violations == dict.fromkeys(violations, ""), "\n".join(violations.values())
    page.close()
