"""The web player in a real browser: it plays, keeps playing across pages, queues, and moves between devices."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Track
from search.rebuild import search_rebuild
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AUDIO = "document.querySelector('#player audio')"


def _sign_in(context, live_server, user, next_path: str):
    page = context.new_page()
    # What the page says goes to the test's output, shown when it fails.
    page.on("console", lambda message: print(f"[{user.username} console.{message.type}] {message.text}"))
    page.on("pageerror", lambda error: print(f"[{user.username} page error] {error}"))
    page.goto(f"{live_server.url}{reverse('accounts:login')}?next={next_path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")
    page.wait_for_function("() => window.scPlayer && !document.getElementById('player').hidden")
    return page


def _time(page) -> float:
    return page.evaluate(f"{AUDIO}.currentTime")


def _playing_past(page, seconds: float, timeout: float = 15_000) -> float:
    page.wait_for_function(f"(s) => !{AUDIO}.paused && {AUDIO}.currentTime > s", arg=seconds, timeout=timeout)
    return _time(page)


def _tracks(album) -> list[int]:
    return list(Track.objects.filter(album=album).order_by("track_number", "pk").values_list("pk", flat=True))


@pytest.mark.services  # runs once, with the real services (Makefile: test-services)
def test_search_open_an_album_play_and_keep_playing_across_three_pages(
    browser, live_server, album, listener, screenshot
):
    search_rebuild()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    album_path = reverse("browse:album", args=[album.pk])
    page = _sign_in(context, live_server, listener, reverse("browse:search"))
    page.locator("#search-q").press_sequentially("northern lights", delay=40)
    page.locator(f"#search-results a[href='{album_path}']").first.click()
    page.wait_for_url(f"{live_server.url}{album_path}")
    page.wait_for_selector("[data-tracklist] li[data-track-id]")
    screenshot(page, "album")

    page.click("[data-tracklist] li[data-track-id] [data-action=play]")
    started = _playing_past(page, 1.0)
    assert page.evaluate("window.scPlayer.loaded.id") == _tracks(album)[0]
    assert page.inner_text("[data-player=title]") == "Polar Night"
    assert page.inner_text("[data-player=bitrate]") == "160 kbit/s"  # the free plan's cap
    # Marks that a full page load would wipe: the same window and the same audio element.
    page.evaluate(f"() => {{ window.__stayed = true; window.__audio = {AUDIO}; }}")

    last = started
    browse = f"#sidebar-nav a[href='{reverse('browse:genres')}']"
    steps = [
        ("artist", "[data-tracklist] a.track-artist", reverse("browse:artist", args=[album.artist.slug]), browse),
        ("home", "#sidebar-nav a[href='/']", "/", "#sidebar-nav a[href='/']"),
        ("genres", browse, reverse("browse:genres"), browse),
    ]
    for name, link, path, current in steps:
        title_before = page.title()
        page.locator(link).first.click()
        page.wait_for_url(f"{live_server.url}{path}")
        page.wait_for_function("(before) => document.title !== before", arg=title_before)
        assert page.evaluate(f"window.__stayed === true && window.__audio === {AUDIO}"), f"{name} reloaded the page"
        # Focus moves once the swap has settled, a moment after the title changed.
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
        assert page.get_attribute(current, "aria-current") == "page"  # the sidebar follows the swap
        now = _playing_past(page, last + 0.5)
        assert now > last  # never restarted: the position only moved on
        last = now
        screenshot(page, name)
    assert page.get_attribute("#sidebar-nav a[href='/']", "aria-current") is None
    assert page.evaluate("window.scPlayer.loaded.id") == _tracks(album)[0]

    # The bar's title leads back to the album, and its artist to theirs, like any link: still playing.
    page.click("#player [data-player=title]")
    page.wait_for_url(f"{live_server.url}{album_path}")
    page.click("#player [data-player=artist]")
    page.wait_for_url(f"{live_server.url}{reverse('browse:artist', args=[album.artist.slug])}")
    assert page.evaluate(f"window.__stayed === true && window.__audio === {AUDIO}"), "the bar's links reloaded the page"
    _playing_past(page, last + 0.3)
    context.close()


def test_a_track_queued_next_plays_on_skip_through_hls_js(browser, live_server, album, listener, screenshot):
    first, _, third = _tracks(album)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # A browser that plays neither AAC files nor HLS by itself: the player falls back to hls.js.
    context.add_init_script("HTMLMediaElement.prototype.canPlayType = function () { return ''; };")
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[album.pk]))

    page.click("[data-tracklist] li[data-track-id] [data-action=play]")
    _playing_past(page, 0.5)
    assert page.evaluate(f"window.Hls !== undefined && {AUDIO}.src.startsWith('blob:')")  # media source from hls.js
    page.click(f"li[data-track-id='{third}'] [data-player-row-menu]")
    page.click(".player-menu [data-menu=next]")
    page.wait_for_function(
        "(id) => window.scPlayer.state.next_item && window.scPlayer.state.next_item.id === id", arg=third
    )
    page.click("[data-player=queue]")
    page.wait_for_selector("[data-player=queue-mine] .queue-item")
    assert page.inner_text("[data-player=queue-mine] .queue-title") == "Aurora"
    screenshot(page, "queue")

    page.click("[data-player=next]")
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=third)
    _playing_past(page, 0.5)
    assert page.inner_text("[data-player=title]") == "Aurora"
    assert page.evaluate("navigator.mediaSession.metadata.title") == "Aurora"
    assert page.evaluate("window.scPlayer.state.item.id") == third
    assert first != third
    context.close()


@pytest.mark.services  # runs once, with the real services (Makefile: test-services)
def test_transfer_moves_playback_to_the_second_device(browser, live_server, album, listener, screenshot):
    album_path = reverse("browse:album", args=[album.pk])
    laptop = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, album_path)
    phone = _sign_in(browser.new_context(viewport={"width": 390, "height": 844}), live_server, listener, "/")
    assert laptop.evaluate("window.scPlayer.device") != phone.evaluate("window.scPlayer.device")

    laptop.click("[data-action=play-all]")  # the album's own Play button
    _playing_past(laptop, 3.0)
    phone.wait_for_selector("[data-player=elsewhere]:not([hidden])")
    assert "Listening on" in phone.inner_text("[data-player=elsewhere]")
    screenshot(phone, "listening-elsewhere")

    # Where the phone's audio really starts: its position when it first plays.
    phone.evaluate(
        f"() => {AUDIO}.addEventListener('playing', () => {{ window.__resumedAt = {AUDIO}.currentTime; }},"
        " { once: true })"
    )
    phone.click("[data-player=devices]")
    phone.wait_for_selector(".device-list button[data-device-id]")
    screenshot(phone, "devices")
    phone.click(".device-list button[data-device-id='{}']".format(phone.evaluate("window.scPlayer.device")))

    laptop.wait_for_function(f"() => {AUDIO}.paused", timeout=5_000)
    stopped_at = _time(laptop)
    phone.wait_for_function("() => typeof window.__resumedAt === 'number'", timeout=5_000)
    resumed_at = phone.evaluate("window.__resumedAt")
    assert abs(resumed_at - stopped_at) < 2.0, (stopped_at, resumed_at)
    _playing_past(phone, resumed_at + 0.5)
    laptop.wait_for_selector("[data-player=elsewhere]:not([hidden])")
    assert laptop.evaluate(f"{AUDIO}.paused")
    screenshot(laptop, "transferred-away")


def test_a_listener_plays_and_skips_with_the_keyboard_alone(browser, live_server, album, listener):
    first, second, _ = _tracks(album)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[album.pk]))

    # Tab from the top of the page to the first row's play button, which shows when focused.
    row_play = f"li[data-track-id='{first}'] [data-action=play]"
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", row_play):
            break
    else:
        raise AssertionError("the first row's play button is not reachable with Tab")
    assert page.evaluate("(s) => getComputedStyle(document.querySelector(s)).opacity", row_play) == "1"
    assert page.evaluate("(s) => getComputedStyle(document.querySelector(s)).outlineStyle", row_play) == "solid"

    page.keyboard.press("Enter")
    _playing_past(page, 1.0)
    page.keyboard.press("k")  # the play/pause shortcut, even with a button focused
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.keyboard.press("k")
    _playing_past(page, _time(page))
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=second)
    _playing_past(page, 0.3)
    assert page.inner_text("[data-player=title]") == "Magnetic North"
    page.keyboard.press("m")
    page.wait_for_function(f"() => {AUDIO}.muted")

    # The album's own button follows: it pauses what it started, and resumes it where it was.
    play_all = page.locator("[data-action=play-all]")
    assert play_all.inner_text() == "Pause"
    play_all.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {AUDIO}.paused")
    expect(play_all).to_have_text("Play")  # the label follows the audio's pause event
    paused_at = _time(page)
    page.keyboard.press("Enter")
    resumed = _playing_past(page, paused_at)
    assert resumed - paused_at < 2.0  # resumed, not restarted from the first track
    assert page.evaluate("window.scPlayer.loaded.id") == second
    expect(play_all).to_have_text("Pause")
    context.close()
