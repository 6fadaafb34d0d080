"""The seek bar drawn as the waveform, still a slider; a device renamed in the devices panel; the studio's waveform."""

import pytest
from django.urls import reverse

from catalog.models import Track
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_pages import accessibility_violations
from tests.e2e.test_player import AUDIO, _playing_past, _sign_in, _time

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEEK = "[data-player=seek]"
# How many of the canvas's pixels are drawn in the accent colour and in the dim one: the played part and the rest.
COLOURS = """() => {
  const canvas = document.querySelector('.player-wave');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let bright = 0, dim = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] < 200) continue;
    if (data[i + 1] > 150 && data[i] < 100) bright += 1; else if (data[i] > 60) dim += 1;
  }
  return {bright, dim};
}"""


def test_the_seek_bar_is_the_waveform_and_seeks_by_click_and_keyboard(browser, live_server, album, owner, screenshot):
    # The artist's owner listens, renames this browser, then sees the same waveform in the studio.
    owner.set_password(PASSWORD)
    owner.save()
    first = Track.objects.filter(album=album).order_by("track_number").values_list("pk", flat=True).first()
    page = _sign_in(
        browser.new_context(viewport={"width": 1280, "height": 800}),
        live_server,
        owner,
        reverse("browse:album", args=[album.pk]),
    )
    page.click(f"li[data-track-id='{first}'] [data-action=play]")
    _playing_past(page, 0.5)

    # Drawn: the peaks came, the canvas shows them, and the range input is still the slider.
    page.wait_for_selector(".player-seek-wrap.has-wave .player-wave", state="visible")
    page.wait_for_function(f"() => {{ const c = ({COLOURS})(); return c.dim > 50; }}")
    assert page.get_attribute(SEEK, "type") == "range"
    assert page.get_attribute(SEEK, "aria-label")

    # A click three quarters along seeks there; the played part of the waveform grows with it.
    box = page.locator(SEEK).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    duration = page.evaluate(f"{AUDIO}.duration")
    _playing_past(page, duration * 0.7)
    clicked_at = _time(page)
    assert clicked_at < duration * 0.85, (clicked_at, duration)
    page.wait_for_function(f"() => {{ const c = ({COLOURS})(); return c.bright > c.dim; }}")
    screenshot(page, "player-waveform")

    # The keyboard: Home goes back to the start, an arrow steps a second on, and the slider says where it is.
    page.focus(SEEK)
    page.keyboard.press("Home")
    page.wait_for_function(f"() => {AUDIO}.currentTime < 3")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 1")
    page.wait_for_function(
        f"() => / of 0:\\d\\d$/.test(document.querySelector('{SEEK}').getAttribute('aria-valuetext'))"
    )
    assert accessibility_violations(page) == ""

    # The devices panel: this browser, renamed in place.
    page.click("[data-player=devices]")
    page.click(".device-rename")
    page.fill(".device-rename-form input", "Desk by the window")
    screenshot(page, "devices-rename")
    page.keyboard.press("Enter")
    page.wait_for_selector(".device-name:has-text('Desk by the window (this browser)')")
    assert page.evaluate("document.activeElement.classList.contains('device-rename')")  # the focus came back

    # The studio's track page draws the same peaks.
    page.goto(f"{live_server.url}{reverse('studio:track', args=[first])}")
    wave = page.locator(".track-wave svg[role=img]")
    assert wave.bounding_box()["height"] > 40
    assert page.get_attribute(".track-wave path", "d").count("M") == 200
    screenshot(page, "studio-track-waveform")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the waveform fits a phone
    assert accessibility_violations(page) == ""
    page.context.close()
