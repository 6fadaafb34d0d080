"""What a new artist met on a phone: a refused form's error in sight and its address one that reloads; the navigation
whole, sizes as the server writes them, the search box's clear button drawn for the dark theme."""

import io
from typing import Any

import pytest
from django.urls import reverse

from catalog.services.albums import album_artwork_set
from catalog.uploads import size_text
from tests.accounts.factories import PASSWORD
from tests.catalog.conftest import png_bytes
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.catalog.test_upload_sizes import SIZES
from tests.e2e.test_pages import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_refused_artwork_is_in_sight_above_the_player_bar_and_its_page_reloads_on_a_phone(
    browser: Any, live_server: Any, owner: Any, artist: Any, screenshot: Any
) -> None:
    album = AlbumFactory(artist=artist, title="Northern Lights")
    album_artwork_set(album=album, by=owner, file=io.BytesIO(png_bytes()))  # to be replaced, with one refused
    for number in range(1, 9):  # a long page: the artwork form is far below the fold
        TrackFactory(artist=artist, album=album, title=f"Track {number}", track_number=number)
        TrackFactory(artist=artist, title=f"Loose {number}")
    url = f"{live_server.url}{reverse('studio:album', args=[album.pk])}"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('accounts:login')}?next={reverse('studio:album', args=[album.pk])}")
    page.fill("input[name=username]", owner.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(url)
    page.wait_for_function("() => document.body.classList.contains('has-player')")

    # The top navigation at a phone's width shows every one of its links whole.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#sidebar-nav a')].filter((a) => {
            const box = a.getBoundingClientRect(), list = a.closest('ul').getBoundingClientRect();
            return box.left < list.left - 0.5 || box.right > Math.min(list.right, innerWidth) + 0.5;
        }).map((a) => a.textContent.trim())"""
    )
    assert cut == []

    # The upload list writes a file's size as the server does: an empty file is 0 bytes, not 1 KB.
    shown = page.evaluate(
        """async (sizes) => {
            const { formatSize } = await import("/static/js/format.js");
            return sizes.map(formatSize);
        }""",
        SIZES,
    )
    assert shown[0] == "0 bytes"
    assert shown == [size_text(size) for size in SIZES]

    page.set_input_files(
        "input[name=image]", files=[{"name": "tiny.png", "mimeType": "image/png", "buffer": png_bytes(32, 32)}]
    )
    with page.expect_navigation():
        page.click("button:text-is('Upload artwork')")

    assert page.url == url
    error = page.locator("#id_image_error")
    assert error.inner_text() == "The image is 32×32 pixels; each side needs 64 at least."
    assert page.evaluate("() => document.activeElement.id") == "id_image"
    box = error.bounding_box()
    bar = page.locator("#player").bounding_box()
    assert box is not None
    assert bar is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= bar["y"]  # above the fixed player bar, not under it
    screenshot(page, "studio-album-artwork-refused")
    assert accessibility_violations(page) == ""

    response = page.goto(page.url)  # what a reload of the address asks for
    assert response is not None
    assert response.status == 200

    # A refused field mid-page: its error is in sight too, and so is the field.
    page.goto(f"{live_server.url}{reverse('accounts:settings')}")
    page.set_input_files("input[name=avatar]", files=[{"name": "me.png", "mimeType": "image/png", "buffer": b"no"}])
    with page.expect_navigation():
        page.click("button:text-is('Save')")
    assert page.evaluate("() => document.activeElement.id") == "id_avatar"
    for selector in ("#id_avatar_error", "#id_avatar"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= page.locator("#player").bounding_box()["y"], selector
    screenshot(page, "account-settings-refused")

    # The search box's own clear button is drawn for a dark page (it was blue on the dark theme).
    page.goto(f"{live_server.url}{reverse('browse:search')}")
    assert page.evaluate("() => getComputedStyle(document.getElementById('search-q')).colorScheme") == "dark"
    page.close()
