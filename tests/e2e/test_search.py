"""Searching in the browser: results follow the typing, without pressing Enter."""

from collections.abc import Callable
from typing import Any

from catalog.models import Album
from search.rebuild import search_rebuild


def test_results_appear_while_typing(
    browser: Any, live_server: Any, album: Album, screenshot: Callable[[Any, str], None]
) -> None:
    search_rebuild()
    page = browser.new_page()
    page.goto(f"{live_server.url}/search/")
    page.locator("#search-q").press_sequentially("aurora fie", delay=60)

    results = page.locator("#search-results")
    # The address follows the last keystroke's results, for sharing and going back.
    page.wait_for_url("**/search/?q=aurora+fie", timeout=10_000)
    results.get_by_text("Aurora Fields", exact=True).first.wait_for(timeout=10_000)
    assert results.locator("[data-track-id]").count() == 3
    assert page.locator("#search-q").input_value() == "aurora fie"  # nothing reloaded under the cursor

    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially("magnetc", delay=60)  # a typo
    results.get_by_text("Magnetic North").first.wait_for(timeout=10_000)
    screenshot(page, "search")
    page.close()


def test_a_result_opened_from_search_shows_among_recent_searches(
    browser: Any, live_server: Any, album: Album, listener: Any, screenshot: Callable[[Any, str], None]
) -> None:
    from tests.e2e.conftest import PASSWORD

    search_rebuild()
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/search/")
    page.fill("input[name=username]", listener.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/search/")
    assert page.locator("#recent-searches").count() == 0

    page.locator("#search-q").press_sequentially("northern", delay=60)
    card = page.locator(f"#search-results [data-search-hit='album:{album.pk}'] a")
    card.wait_for(timeout=10_000)
    card.click()
    page.wait_for_url(f"{live_server.url}/albums/{album.pk}/")
    page.wait_for_function(
        "() => fetch('/api/v1/me/recent-searches/').then((r) => r.json()).then((b) => b.items.length === 1)",
        timeout=10_000,
    )

    page.goto(f"{live_server.url}/search/")
    recent = page.locator(".recent-searches li")
    assert recent.count() == 1
    assert recent.first.inner_text().startswith("Northern Lights")
    screenshot(page, "search-recent")
    page.close()


def test_what_was_typed_before_the_script_arrived_is_searched_when_it_does(
    browser: Any, live_server: Any, album: Album
) -> None:
    search_rebuild()
    page = browser.new_page()
    arrived = []

    def late_script(route: Any) -> None:  # a slow network: the box is there long before its script
        page.wait_for_timeout(1500)
        arrived.append(route.request.url)
        route.continue_()

    page.route("**/js/search*.js", late_script)
    page.goto(f"{live_server.url}/search/", wait_until="commit")
    page.locator("#search-q").press_sequentially("northern", delay=20)
    assert arrived == []  # all typed before the script took the form over

    page.locator(f"#search-results [data-search-hit='album:{album.pk}']").wait_for(timeout=10_000)
    page.wait_for_url("**/search/?q=northern", timeout=10_000)
    page.close()
