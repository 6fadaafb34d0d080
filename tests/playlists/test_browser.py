"""A listener's playlist in a real browser: drag and drop, the keyboard's up and down, like and add."""

from typing import Any

import pytest
from django.db import OperationalError

from catalog.models import Album
from playlists.models import LikedTrack, PlaylistItem
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.e2e.conftest import browser  # noqa: F401 - the system's Chromium, shared with the other browser tests

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "listen-to-the-music"


def titles(playlist_id: int) -> list[str]:
    items = PlaylistItem.objects.filter(playlist_id=playlist_id).order_by("position")
    return list(items.values_list("track_title", flat=True))


def shown(page: Any) -> list[str]:
    return page.eval_on_selector_all("#playlist-tracks li .track-title", "rows => rows.map(r => r.textContent.trim())")


def wait_for(condition: Any, page: Any, timeout_ms: int = 10_000) -> None:
    """Poll with a deadline: the page saves in the background.

    The live server writes to the same SQLite file from its own threads, and a
    read may meet its lock ("database is locked"): not yet.
    """
    for _ in range(timeout_ms // 100):
        try:
            if condition():
                return
        except OperationalError:
            pass
        page.wait_for_timeout(100)
    assert condition()


def test_a_listener_reorders_likes_and_adds_in_the_browser(browser: Any, live_server: Any) -> None:  # noqa: F811
    listener = UserFactory(username="lena")
    listener.set_password(PASSWORD)
    listener.save()
    album = AlbumFactory(status=Album.Status.PUBLISHED, title="Northern Lights")
    tracks = [TrackFactory(album=album, title=title) for title in ("One", "Two", "Three", "Four")]
    playlist = playlist_create(owner=listener, name="Commute")
    other = playlist_create(owner=listener, name="Gym")
    playlist_items_add(playlist=playlist, by=listener, track_ids=[t.pk for t in tracks])

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "lena")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/playlists/{playlist.pk}/")
    page.wait_for_selector("#playlist-tracks li[draggable=true]")

    rows = page.locator("#playlist-tracks li")
    rows.nth(3).drag_to(rows.nth(0), target_position={"x": 30, "y": 4})
    assert shown(page) == ["Four", "One", "Two", "Three"]
    wait_for(lambda: titles(playlist.pk) == ["Four", "One", "Two", "Three"], page)

    # The keyboard: focus the "up" button of the third row and press Enter; the focus stays on it.
    up = rows.nth(2).locator("button[data-move=up]")
    up.focus()
    page.keyboard.press("Enter")
    assert shown(page) == ["Four", "Two", "One", "Three"]
    wait_for(lambda: titles(playlist.pk) == ["Four", "Two", "One", "Three"], page)
    assert page.evaluate("document.activeElement.dataset.move") == "up"

    like = page.locator("#playlist-tracks li").nth(0).locator("form[data-like] button")
    like.click()
    wait_for(lambda: LikedTrack.objects.filter(user=listener, track=tracks[3]).exists(), page)
    assert like.get_attribute("aria-pressed") == "true"
    like.click()  # and back
    wait_for(lambda: not LikedTrack.objects.filter(user=listener, track=tracks[3]).exists(), page)
    assert like.get_attribute("aria-pressed") == "false"
    like.click()
    wait_for(lambda: LikedTrack.objects.filter(user=listener, track=tracks[3]).exists(), page)

    row = page.locator("#playlist-tracks li").nth(1)
    row.locator("details.add-menu summary").click()
    row.locator("select[name=playlist]").select_option(label="Gym")
    row.locator("form[data-add-track] button").click()
    wait_for(lambda: titles(other.pk) == ["Two"], page)

    page.reload()
    assert shown(page) == ["Four", "Two", "One", "Three"]
    assert (
        page.locator("#playlist-tracks li").nth(0).locator("form[data-like] button").get_attribute("aria-pressed")
        == "true"
    )
    page.close()
