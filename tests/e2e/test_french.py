"""A French listener's player: the strings its scripts write come from the French JavaScript catalogue."""

import pytest
from django.urls import reverse

from tests.e2e.test_player import _playing_past, _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.services  # runs once, with the real services (Makefile: test-services)
def test_the_player_speaks_french_to_a_french_listener(browser, live_server, album, listener, screenshot):
    listener.profile.language = "fr"
    listener.profile.save(update_fields=["language"])
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    album_path = reverse("browse:album", args=[album.pk])
    page = _sign_in(context, live_server, listener, album_path)
    assert page.get_attribute("html", "lang") == "fr"
    page.wait_for_function("() => typeof window.gettext === 'function'")

    page.click("[data-tracklist] li[data-track-id] [data-action=play]")
    _playing_past(page, 1.0)
    # Written by the scripts as the track plays: the play button, the seek bar's spoken position.
    page.wait_for_function("() => document.querySelector('[data-player=play]').getAttribute('aria-label') === 'Pause'")
    page.wait_for_function(
        "() => / sur \\d+:\\d\\d$/.test(document.querySelector('[data-player=seek]')"
        ".getAttribute('aria-valuetext') || '')"
    )
    page.click("[data-player=repeat]")
    page.wait_for_function(
        "() => document.querySelector('[data-player=repeat]').getAttribute('aria-label') === 'Répéter\u00a0: tout'"
    )
    # The track row's menu is made by the scripts too.
    page.click("[data-tracklist] li[data-track-id] [data-player-row-menu]")
    menu = page.locator(".player-menu")
    assert menu.locator("[data-menu=next]").inner_text() == "Lire ensuite"
    assert menu.locator("[data-menu=end]").inner_text() == "Ajouter à la file d'attente"
    page.keyboard.press("Escape")
    # And what the page itself says, with the player bar, at a phone's width and a desktop's.
    assert page.inner_text("#sidebar-nav").split("\n")[0] == "Accueil"
    screenshot(page, "french-album")
