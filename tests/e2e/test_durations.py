"""The player writes a length the way the server's pages do: the same shared function, the same rule."""

import pytest

from catalog.durations import duration_format

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LENGTHS_MS = [0, 999, 1_000, 59_999, 60_000, 187_000, 187_600, 187_999, 599_500, 3_599_999, 3_600_000, 3_723_900]


def test_the_scripts_duration_formatter_agrees_with_the_pages(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/")

    shown = page.evaluate(
        """async (lengths) => {
            const { formatDuration } = await import("/static/js/format.js");
            return lengths.map(formatDuration);
        }""",
        LENGTHS_MS,
    )

    assert shown[LENGTHS_MS.index(187_600)] == "3:07"
    assert shown == [duration_format(ms) for ms in LENGTHS_MS]
    assert errors == []
