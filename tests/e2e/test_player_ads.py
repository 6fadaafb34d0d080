"""The free plan's ad break in the web player: an ad between two tracks, no skipping it, then the music goes on."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ads.models import Advertiser, Campaign
from catalog.models import Track
from catalog.services.tracks import track_upload
from catalog.synth import audio_synthesise
from streaming.storage import renditions_storage
from tests.catalog.conftest import png_bytes
from tests.e2e.test_pages import accessibility_violations
from tests.e2e.test_player import AUDIO, _playing_past, _sign_in, _tracks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AD_SECONDS = 10
AD_TITLE = "Oat milk, but louder"

# Every play report the page sends, and whether an ad break was on the bar as it went.
RECORD_PLAY_REPORTS = """
window.__playReports = [];
const originalFetch = window.fetch;
window.fetch = function (url, options) {
  if (String(url).endsWith("/me/player/plays/")) {
    const player = document.getElementById("player");
    window.__playReports.push({
      body: JSON.parse(options.body),
      duringAd: Boolean(player && player.classList.contains("is-ad")),
    });
  }
  return originalFetch.apply(this, arguments);
};
"""


@pytest.fixture(autouse=True)
def _a_break_after_every_track(settings: Any) -> None:
    settings.ADS_TRACKS_BETWEEN_BREAKS = 1
    settings.ADS_PER_BREAK = 1
    settings.ADS_BREAK_MAX_SECONDS = 60


def _copy_folder(source: str, target: str) -> None:
    storage = renditions_storage()
    dirs, files = storage.listdir(source)
    for name in files:
        with storage.open(f"{source}{name}", "rb") as file:
            storage.save(f"{target}{name}", ContentFile(file.read()))
    for sub in dirs:
        _copy_folder(f"{source}{sub}/", f"{target}{sub}/")


@pytest.fixture
def campaign(tmp_path: Any, artist: Any, owner: Any) -> Campaign:
    """A ready campaign whose audio is a few seconds transcoded the way a track is, in the ads' own folder."""
    source = audio_synthesise(tmp_path / "ad.flac", seconds=AD_SECONDS, fmt="flac", seed=9)
    made = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("ad.flac", source.read_bytes()))
    media = Track.objects.get(pk=made.pk).media
    now = timezone.now()
    campaign = Campaign.objects.create(
        advertiser=Advertiser.objects.create(name="Oatly Works"),
        name="Spring",
        title=AD_TITLE,
        text="Try it this spring, in every good café.",
        click_url="https://example.com/spring",
        image=SimpleUploadedFile("ad.png", png_bytes()),
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1),
        status=Campaign.Status.PROCESSING,
    )
    folder = f"ads/{campaign.pk}/v1/"
    _copy_folder(media.folder, folder)
    campaign.status = Campaign.Status.READY
    campaign.media_folder = folder
    campaign.duration_ms = media.duration_ms
    campaign.bitrate = min(media.bitrates)
    campaign.save()
    return campaign


def test_the_player_plays_an_ad_between_two_tracks_and_then_the_next_track(
    browser, live_server, album, listener, campaign, screenshot
):
    first, second, _ = _tracks(album)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORD_PLAY_REPORTS)
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[album.pk]))
    page.evaluate(f"() => {{ window.__audio = {AUDIO}; }}")

    page.click(f"li[data-track-id='{first}'] [data-action=play]")
    _playing_past(page, 1.5)
    page.click("[data-player=next]")

    # The grant of the next track is refused until the break is heard: the ad plays, and pauses (pause is allowed).
    page.wait_for_function(f"() => window.scPlayer.adBreak && window.scPlayer.adBreak.playing && !{AUDIO}.paused")
    page.click("[data-player=play]")
    page.wait_for_function(f"() => {AUDIO}.paused")
    expect(page.locator("[data-player=play]")).to_have_attribute("aria-label", "Play")
    assert page.evaluate("window.scPlayer.adBreak.playing")

    # Paused, the bar shows the ad at leisure: picture, title, words, link, countdown.
    ad_bar = page.locator("[data-player=ad]")
    expect(ad_bar).to_be_visible()
    expect(page.locator("[data-player=title]")).to_have_text(AD_TITLE)
    expect(page.locator("[data-player=artist]")).to_have_text("Advertisement")
    expect(page.locator("[data-player=ad-text]")).to_have_text("Try it this spring, in every good café.")
    expect(page.locator("[data-player=ad-countdown]")).to_contain_text("Your music continues in 0:")
    assert page.evaluate("window.scPlayer.loaded") is None
    assert page.evaluate("navigator.mediaSession.metadata.title") == AD_TITLE
    assert "/campaigns/ad" in page.get_attribute("[data-player=art]", "src")  # from the bucket in services mode
    page.wait_for_function("() => document.querySelector('[data-player=art]').naturalWidth > 0")  # the picture shows
    link = page.get_by_role("link", name=f"Learn more about {AD_TITLE} (opens in a new tab)")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"
    assert link.get_attribute("href").startswith(f"{live_server.url}/ads/click/")
    assert "Ad break." in page.inner_text("[data-player=status]")

    # No skip and no seek: the buttons say so, and neither they nor the keys move on.
    assert page.get_attribute("[data-player=next]", "aria-disabled") == "true"
    assert page.get_attribute("[data-player=previous]", "aria-disabled") == "true"
    assert page.is_disabled("[data-player=seek]")
    page.click("[data-player=next]", force=True)  # clicked all the same: Playwright waits for enabled buttons
    page.locator("body").focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowRight")
    screenshot(page, "ad-break")
    assert accessibility_violations(page) == ""
    assert page.evaluate("window.scPlayer.adBreak") is not None
    page.click("[data-player=play]")
    page.wait_for_function(f"() => !{AUDIO}.paused")

    # Across a page the break plays on in the same audio element, and its countdown runs.
    genres = reverse("browse:genres")
    page.click(f"#sidebar-nav a[href='{genres}']")
    page.wait_for_url(f"{live_server.url}{genres}")
    assert page.evaluate(f"window.__audio === {AUDIO}"), "the navigation reloaded the page"
    assert page.evaluate("window.scPlayer.adBreak") is not None
    countdown = page.inner_text("[data-player=ad-countdown]")
    page.wait_for_function(
        "(before) => !window.scPlayer.adBreak"
        " || document.querySelector('[data-player=ad-countdown]').textContent !== before",
        arg=countdown,
    )

    # Then the track that was asked for plays: not the one after it, for all the skipping.
    page.wait_for_function(
        "(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=second, timeout=30_000
    )
    _playing_past(page, 0.5)
    expect(ad_bar).to_be_hidden()
    expect(page.locator("[data-player=title]")).to_have_text("Magnetic North")
    assert page.get_attribute("[data-player=next]", "aria-disabled") is None
    assert not page.is_disabled("[data-player=seek]")
    assert page.evaluate("navigator.mediaSession.metadata.title") == "Magnetic North"
    assert page.evaluate("window.scPlayer.state.item.id") == second

    # No play report went out while the ad played, and none counts the ad as music.
    reports = page.evaluate("window.__playReports")
    assert reports, "the first track's play was reported"
    assert [report for report in reports if report["duringAd"]] == []
    assert {report["body"]["track"] for report in reports} <= {first, second}
    assert all(report["body"]["ms_played"] <= 20_000 for report in reports)
    context.close()
