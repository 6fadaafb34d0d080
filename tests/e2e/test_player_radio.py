"""Autoplay and radio in a real browser: the music goes on after the last track, on every device."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.models import Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from recommendations.services import neighbours_compute
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import png_bytes
from tests.e2e.test_player import AUDIO, _playing_past, _sign_in, _tracks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def like_aurora(album, artist, owner, long_audio):
    """A track of another album that listeners play right after the album's last one."""
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Equator.flac", long_audio(4)))
    other = album_create(artist_id=artist.pk, by=owner, title="Southern Cross")
    album_tracks_add(album=other, by=owner, track_ids=[track.pk])
    album_artwork_set(album=other, by=owner, file=SimpleUploadedFile("cover.png", png_bytes()))
    album_publish(album=other, by=owner)
    aurora = _tracks(album)[-1]
    start = timezone.now() - timedelta(days=1)
    for user in UserFactory.create_batch(3):
        for place, track_id in enumerate((aurora, track.pk)):
            Play.objects.create(
                user=user,
                track_id=track_id,
                started_at=start + timedelta(minutes=place),
                ms_played=20_000,
                counted=True,
            )
    Play.objects.create(
        user=UserFactory(), track_id=_tracks(album)[0], started_at=start, ms_played=20_000, counted=True
    )
    neighbours_compute()
    return Track.objects.get(pk=track.pk)


@pytest.mark.services  # runs once, with the real services (Makefile: test-services)
def test_after_the_last_track_autoplay_plays_on_and_every_device_sees_it(
    browser, live_server, album, like_aurora, listener, screenshot
):
    album_path = reverse("browse:album", args=[album.pk])
    aurora = _tracks(album)[-1]
    laptop = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, album_path)
    phone = _sign_in(browser.new_context(viewport={"width": 390, "height": 844}), live_server, listener, "/")

    laptop.click(f"li[data-track-id='{aurora}'] [data-action=play]")  # the album's last track
    _playing_past(laptop, 0.5)
    laptop.evaluate(f"() => {{ {AUDIO}.currentTime = {AUDIO}.duration - 1.5; }}")

    laptop.wait_for_function(
        "(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=like_aurora.pk, timeout=15_000
    )
    _playing_past(laptop, 0.5)
    assert laptop.inner_text("[data-player=title]") == "Equator"
    assert laptop.evaluate("window.scPlayer.state.context.uri") == "spotifyclone:autoplay"
    laptop.click("[data-player=queue]")
    laptop.wait_for_selector("[data-player=queue-now] .queue-item")
    assert laptop.inner_text("[data-player=queue-now] .queue-title") == "Equator"
    screenshot(laptop, "autoplay-queue")

    # The other device follows: it shows what autoplay plays on the laptop.
    phone.wait_for_function(
        "(id) => window.scPlayer.state && window.scPlayer.state.item.id === id", arg=like_aurora.pk, timeout=5_000
    )
    phone.wait_for_selector("[data-player=elsewhere]:not([hidden])")
    assert phone.inner_text("[data-player=title]") == "Equator"


def test_a_song_radio_starts_from_a_track_rows_menu_and_an_album_radio_from_its_button(
    browser, live_server, album, like_aurora, listener, screenshot
):
    album_path = reverse("browse:album", args=[album.pk])
    first, _, aurora = _tracks(album)
    page = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, album_path)

    page.click(f"li[data-track-id='{aurora}'] [data-player-row-menu]")
    screenshot(page, "row-menu-radio")
    page.click(".player-menu [data-menu=radio]")
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=aurora)
    _playing_past(page, 0.5)
    assert page.evaluate("window.scPlayer.state.context.uri") == f"spotifyclone:radio:track:{aurora}"
    assert page.evaluate("window.scPlayer.state.next_item.id") == like_aurora.pk  # heard with it by its listeners
    page.click("[data-player=queue]")
    page.wait_for_selector("[data-player=queue-context] .queue-item")
    assert page.inner_text("[data-player=queue-context-title]") == "Next on the radio"

    Track.objects.filter(pk=first).update(play_count=50)
    page.click("[data-action=radio][data-seed-type=album]")
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=first)
    _playing_past(page, 0.5)
    assert page.evaluate("window.scPlayer.state.context.uri") == f"spotifyclone:radio:album:{album.pk}"
    screenshot(page, "album-radio")


@pytest.mark.services  # runs once, with the real services (Makefile: test-services)
def test_the_home_pages_shelves_arrive_after_it_and_the_page_goes_on_working(
    browser, live_server, album, like_aurora, listener
):
    page = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, "/")

    # Nothing is cached for a new listener: the shelves come in a request of their own, into their place
    # (here none has a track the page does not show already), and the page around them stays.
    page.wait_for_selector("[hx-get='/made-for-you/shelves/']", state="detached")
    assert page.locator("main#main h1").count() == 1
    page.locator("a[href='/genres/']").first.click()
    page.wait_for_url(f"{live_server.url}/genres/")
    page.wait_for_selector("main#main h1")
