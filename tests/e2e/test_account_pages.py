"""Changing the email address in a browser: the settings form, the pending notice, the link's pages."""

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tests.e2e.conftest import PASSWORD
from tests.e2e.test_pages import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_email_change_asks_for_the_password_and_its_pages_pass_axe(
    browser: Any, live_server: Any, listener: Any
) -> None:
    page = browser.new_page()
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", listener.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('accounts:settings')}")
    page.fill("input[name=email]", "lena.new@example.com")
    page.fill("input[name=current_password]", PASSWORD)
    with page.expect_navigation():
        page.click("button:text-is('Save')")

    assert page.locator("text=Pending: confirm from lena.new@example.com.").count() == 1
    assert page.input_value("input[name=email]") == listener.email
    violations = {"settings, pending": accessibility_violations(page)}

    response = page.goto(f"{live_server.url}{reverse('accounts:email_change_confirm', args=['not-a-token'])}")
    assert response is not None
    assert response.status == 400
    violations["link refused"] = accessibility_violations(page)

    link = re.search(r"https?://[^/\s]+(/accounts/email/confirm/\S+/)", mail.outbox[0].body).group(1)
    response = page.goto(f"{live_server.url}{link}")
    assert response is not None
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Email address changed"
    violations["link opened"] = accessibility_violations(page)

    listener.refresh_from_db()
    assert listener.email == "lena.new@example.com"
    assert violations == dict.fromkeys(violations, ""), "\n".join(violations.values())
    page.close()
