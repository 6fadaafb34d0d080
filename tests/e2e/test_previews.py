"""A visitor without an account opens a shared album link and hears previews, then is asked to sign up."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from catalog.models import Album
from tests.e2e.test_pages import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_previews(settings: Any) -> None:
    """Previews of 3 seconds, made as the album's tracks are transcoded: the test hears one end."""
    settings.PREVIEW_SECONDS = 3


def test_a_visitor_plays_previews_of_a_shared_album_and_is_asked_to_sign_up(
    short_previews: None, browser: Any, live_server: Any, album: Album, screenshot: Callable[[Any, str], None]
) -> None:
    path = reverse("browse:album", args=[album.pk])
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200
    assert page.locator(".preview-notice").inner_text().startswith("You're hearing 3-second previews.")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "visitor-album")

    page.locator(".track-row").first.locator("button[data-action=play]").click()

    page.wait_for_selector("#preview-player:not([hidden]) [data-preview=toggle][data-state=playing]")
    source = page.evaluate("document.querySelector('#preview-player audio').currentSrc")
    assert "p/preview.m4a" in source  # the preview's own folder, not the track's renditions
    assert page.locator("[data-preview=title]").inner_text() == "Polar Night"
    # The preview ends: the prompt to sign up, back to this page, and the next track's preview plays.
    prompt = page.locator("[data-preview=signup]")
    prompt.wait_for(state="visible", timeout=30_000)
    assert prompt.locator("a").get_attribute("href") == f"/accounts/signup/?next={path}"
    page.wait_for_function("document.querySelector('[data-preview=title]').textContent === 'Magnetic North'")
    page.wait_for_selector("[data-preview=toggle][data-state=playing]")
    screenshot(page, "visitor-album-preview")
    assert accessibility_violations(page) == ""
    assert errors == []
    page.close()
