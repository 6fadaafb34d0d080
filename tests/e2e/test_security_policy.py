"""The Content-Security-Policy blocks nothing the site itself does: pages, player, studio, API docs and admin."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Album, Genre, Track
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create
from search.rebuild import search_rebuild
from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every violation the document sees, reported to the test through a function Playwright exposes.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""
AUDIO = "document.querySelector('#player audio')"


def _watched_context(browser: Any, found: list[str], **options: Any) -> Any:
    """A browser context that records each policy violation and each page error into ``found``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **options)
    context.expose_function("reportViolation", lambda text: found.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    return context


def _watched_page(context: Any, found: list[str]) -> Any:
    page = context.new_page()
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    # Violations inside workers reach the console only.
    page.on(
        "console",
        lambda message: found.append(f"console: {message.text}") if "Content Security Policy" in message.text else None,
    )
    return page


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    directives = dict(
        part.strip().partition(" ")[::2] for part in response.headers["content-security-policy"].split(";")
    )
    assert directives["script-src"] == "'self'"


def test_listener_pages_the_player_and_the_studio_run_under_the_policy(browser, live_server, album, owner):
    owner.set_password(PASSWORD)
    owner.save()
    album.genres.add(Genre.objects.create(name="Ambient", slug="ambient"))
    playlist = playlist_create(owner=owner, name="Night Drive")
    playlist_items_add(playlist=playlist, by=owner, track_ids=list(album.tracks.values_list("pk", flat=True)))
    search_rebuild()
    track = Track.objects.filter(album=album).order_by("track_number").first()
    assert track is not None
    found: list[str] = []
    # A browser that plays neither AAC files nor HLS by itself: the player uses hls.js, its
    # worker and a media source, everything the policy has to let through for audio.
    context = _watched_context(browser, found)
    context.add_init_script("HTMLMediaElement.prototype.canPlayType = function () { return ''; };")
    page = _watched_page(context, found)
    sign_in(page, live_server, owner)

    paths = [
        "/",
        reverse("browse:artist", args=[album.artist.slug]),
        reverse("playlists:detail", args=[playlist.pk]),
        reverse("browse:genre", args=["ambient"]),
        reverse("browse:genres"),
        f"{reverse('browse:search')}?q=aurora",
        reverse("playlists:library"),
        reverse("accounts:settings"),
        reverse("studio:home"),
        reverse("studio:artist", args=[album.artist.slug]),
        reverse("studio:upload", args=[album.artist.slug]),
        reverse("studio:members", args=[album.artist.slug]),
        reverse("studio:album", args=[album.pk]),
        reverse("studio:track", args=[track.pk]),
        reverse("browse:album", args=[album.pk]),
    ]
    for path in paths:
        _visit(page, f"{live_server.url}{path}")
    # Play through hls.js, then move to another page the way the site does, swapping its content.
    page.click("[data-tracklist] li[data-track-id] [data-action=play]")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.5", timeout=15_000)
    assert page.evaluate(f"window.Hls !== undefined && {AUDIO}.src.startsWith('blob:')")
    page.evaluate("() => { window.__stayed = true; }")
    page.click(f"#sidebar-nav a[href='{reverse('browse:genres')}']")
    page.wait_for_url(f"{live_server.url}{reverse('browse:genres')}")
    page.wait_for_selector("a.genre-tile")
    assert page.evaluate("window.__stayed === true")  # swapped by htmx, not loaded again
    # Live search, which fetches and swaps the results as one types.
    page.click(f"#sidebar-nav a[href='{reverse('browse:search')}']")
    page.locator("#search-q").press_sequentially("northern", delay=30)
    page.wait_for_selector(f"#search-results a[href='{reverse('browse:album', args=[album.pk])}']")
    context.close()

    assert found == []


def test_the_api_docs_and_the_admin_run_under_the_policy(
    browser: Any, live_server: Any, album: Album, screenshot: Callable[[Any, str], None]
) -> None:
    from tests.accounts.factories import UserFactory

    staff = UserFactory(username="ada", is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    found: list[str] = []
    context = _watched_context(browser, found)
    page = _watched_page(context, found)

    _visit(page, f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_selector(".swagger-ui .opblock-body")
    screenshot(page, "api-docs")
    assert found == []
    _visit(page, f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("redoc h1", timeout=20_000)
    # Redoc's "powered by" logo comes from its makers' CDN: refused on purpose, as the docs are
    # served without the internet; Redoc drops the image when it fails to load.
    page.wait_for_function("() => !document.querySelector('img[alt=\"redocly logo\"]')")
    redocly = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert found != []
    assert [text for text in found if redocly not in text] == []
    found.clear()

    _visit(page, f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in [
        reverse("admin:catalog_album_changelist"),
        reverse("admin:accounts_user_change", args=[staff.pk]),
        reverse("admin:catalog_album_change", args=[album.pk]),
    ]:
        _visit(page, f"{live_server.url}{path}")
    # The admin's own scripts run: the date shortcuts, the two-box genre picker, the theme toggle.
    page.click("#id_release_date ~ .datetimeshortcuts a:has-text('Today')")
    assert page.input_value("#id_release_date") == timezone.localdate().isoformat()
    page.wait_for_selector("#id_genres_from")
    screenshot(page, "admin-change-form")
    page.click("button.theme-toggle")
    assert page.evaluate("document.documentElement.dataset.theme") in {"light", "dark"}
    context.close()

    assert found == []
