"""Every listener page, as a signed-in listener sees it on a phone and on a desktop."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from catalog.models import Album, Genre
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create
from search.rebuild import search_rebuild
from streaming.models import Play
from subsonic.services import subsonic_credentials_reset
from tests.e2e.conftest import PASSWORD, sign_in

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

GRADIENTS_AT_THEIR_LIGHTEST = """
.page { background: #1f1f1f !important; }
.genre-tile.hue-a { background: #8d67ab !important; }
.genre-tile.hue-b { background: #e8115b !important; }
"""

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_page_fits_a_phone_and_a_desktop(
    browser: Any, live_server: Any, album: Album, listener: Any, screenshot: Callable[[Any, str], None]
) -> None:
    ambient = Genre.objects.create(name="Ambient", slug="ambient")
    album.genres.add(ambient)
    playlist = playlist_create(owner=listener, name="Night Drive", description="For the long way home.")
    playlist_items_add(playlist=playlist, by=listener, track_ids=list(album.tracks.values_list("pk", flat=True)))
    search_rebuild()
    # Something played, so the home page has its shelves and the listener a mix.
    now = timezone.now()
    for place, track in enumerate(album.tracks.order_by("track_number")):
        Play.objects.create(user=listener, track=track, started_at=now - timedelta(minutes=9 - 3 * place), counted=True)

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, listener)

    pages = {
        "page-home": "/",
        "page-artist": reverse("browse:artist", args=[album.artist.slug]),
        "page-album": reverse("browse:album", args=[album.pk]),
        "page-playlist": reverse("playlists:detail", args=[playlist.pk]),
        "page-genre": reverse("browse:genre", args=["ambient"]),
        "page-search": f"{reverse('browse:search')}?q=aurora",
        "page-library": reverse("playlists:library"),
        "page-made-for-you": reverse("recommendations:made_for_you"),
        "page-mix": reverse("recommendations:mix", args=[1]),
        "page-account": reverse("accounts:settings"),
        "page-connected-apps": reverse("accounts:connected_apps"),
        "page-register-app": reverse("oauth2_provider:register"),
        "page-music-apps": reverse("subsonic-connect"),
    }
    subsonic_credentials_reset(user=listener)  # the page with its password and key shown
    violations: dict[str, str] = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 844})
            # Nothing sticks out sideways: the page scrolls down only.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        screenshot(page, name)
        violations[name] = accessibility_violations(page)
    # The music-apps page's copy buttons say what they did, politely.
    page.goto(f"{live_server.url}{pages['page-music-apps']}")
    page.click("button[data-copy=subsonic-password]")
    page.wait_for_selector("#copy-status:has-text('Password')", state="attached")
    assert errors == []
    assert violations == dict.fromkeys(pages, ""), "\n".join(violations.values())
    page.close()


def test_the_studio_insights_pages_fit_a_phone_and_a_desktop(
    browser: Any, live_server: Any, album: Album, owner: Any, screenshot: Callable[[Any, str], None]
) -> None:
    from insights.services import insights_rollup
    from playlists.models import LikedTrack
    from tests.accounts.factories import UserFactory

    owner.set_password(PASSWORD)
    owner.save()
    tracks = list(album.tracks.order_by("track_number"))
    listeners = UserFactory.create_batch(6)
    now = timezone.now()
    countries, sources = ["FR", "DE", "NO", "US", "JP", ""], ["album", "playlist", "search", "radio", "artist", "other"]
    for day in range(40):
        for n, user in enumerate(listeners[: 1 + (day * 7) % 6]):
            track = tracks[(day + n) % len(tracks)]
            ms = 8_000 if (day + n) % 5 == 0 else 90_000
            Play.objects.create(
                user=user,
                track=track,
                started_at=now - timedelta(days=day, minutes=n),
                ms_played=ms,
                counted=ms >= 30_000,
                source=sources[(day + n) % 6],
                country=countries[n],
            )
    LikedTrack.objects.create(user=listeners[0], track=tracks[0])
    insights_rollup()

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, owner)

    pages = {
        "page-insights": reverse("insights:artist", args=[album.artist.slug]),
        "page-insights-24h": reverse("insights:artist", args=[album.artist.slug]) + "?period=24h",
        "page-insights-track": reverse("insights:track", args=[tracks[0].pk]) + "?period=365d",
    }
    violations: dict[str, str] = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 844})
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        screenshot(page, name)
        page.click("details.chart-table summary")  # the chart's table, open, is checked too
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        violations[name] = accessibility_violations(page)
    # The release-day view asks for itself again and takes its own place, nothing else's.
    page.goto(f"{live_server.url}{pages['page-insights']}")
    with page.expect_response(lambda r: "/insights/release-day/" in r.url, timeout=15_000) as polled:
        pass
    assert polled.value.status == 200
    page.wait_for_function("document.querySelectorAll('#release-day').length === 1")
    assert page.locator("#main #release-day .release h3").all_inner_texts() == ["Northern Lights"]
    assert page.locator("#main .totals").count() == 1
    assert errors == []
    assert violations == dict.fromkeys(pages, ""), "\n".join(violations.values())
    page.close()


def test_the_lyrics_editor_fits_a_phone_and_a_desktop(
    browser: Any, live_server: Any, album: Album, owner: Any, screenshot: Callable[[Any, str], None]
) -> None:
    from catalog.services.lyrics import lyrics_save

    owner.set_password(PASSWORD)
    owner.save()
    track = album.tracks.order_by("track_number").first()
    assert track is not None
    lines = [
        {"start_ms": 1_000 + 3_000 * n, "text": f"Line {n + 1} of the song that runs rather long"} for n in range(5)
    ]
    lyrics_save(
        track=track,
        by=owner,
        lines=lines,
        language="en",
        written_by="A. Fields",
        synced=True,
        state="draft",
        source="editor",
    )
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, owner)

    response = page.goto(f"{live_server.url}{reverse('studio:track_lyrics', args=[track.pk])}")
    assert response is not None
    assert response.status == 200
    page.wait_for_selector(".lyrics-timing >> nth=4")
    assert page.input_value(".lyrics-timing:nth-child(2) .lyrics-time") == "0:04.00"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    screenshot(page, "page-lyrics-editor")
    assert accessibility_violations(page) == ""
    assert errors == []
    page.close()


def accessibility_violations(page: Any) -> str:
    """What axe-core finds against WCAG 2.1 A and AA and its best practices, as a readable report."""
    # Axe cannot judge text on a gradient: lay each gradient's lightest colour, the
    # worst case for light text, under it instead.
    # A constructed style sheet: the page's Content-Security-Policy refuses a <style> element.
    page.evaluate(
        "(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
        GRADIENTS_AT_THEIR_LIGHTEST,
    )
    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    undecided = [
        f"{node['target']}: {check['message']}"
        for rule in found.response["incomplete"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
        for check in node["any"]
        if "background" in check["message"]  # not icons, whose glyphs are not text
    ]
    return (found.generate_report() if found.violations_count else "") + "\n".join(undecided)
