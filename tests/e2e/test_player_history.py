"""Recently played in a real browser: a track shorter than 30 s, heard to its end, is there; a skip is not."""

import json

import pytest
from django.urls import reverse

from catalog.models import Track
from streaming.models import Play
from tests.e2e.test_player import AUDIO, _playing_past, _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _final_report(response) -> bool:
    """The report the player sends as a track ends (``ended``: heard to its end)."""
    request = response.request
    if request.method != "POST" or not request.url.endswith("/api/v1/me/player/plays/"):
        return False
    return bool(json.loads(request.post_data or "{}").get("ended"))


def test_a_short_track_heard_to_its_end_shows_in_recently_played(browser, live_server, album, listener, screenshot):
    first, second, _ = Track.objects.filter(album=album).order_by("track_number", "pk")
    assert first.duration_ms < 30_000  # the album's tracks are 20 s long: none ever counts
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[album.pk]))

    page.click(f"li[data-track-id='{first.pk}'] [data-action=play]")
    _playing_past(page, 0.5)
    with page.expect_response(_final_report, timeout=30_000) as ended:
        page.evaluate(f"() => {{ {AUDIO}.currentTime = {AUDIO}.duration - 2.5; }}")  # on to its last seconds
    assert ended.value.status == 202
    # The album plays on: its second track starts, and is left after a moment (a skip).
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=second.pk)
    _playing_past(page, 0.5)

    page.click(f"a[href='{reverse('playlists:library')}']")
    page.click(f"a[href='{reverse('playlists:library_recent')}']")
    page.wait_for_url(f"{live_server.url}{reverse('playlists:library_recent')}")

    rows = page.locator("main [data-tracklist] li[data-track-id]")
    assert [int(pk) for pk in rows.evaluate_all("(rows) => rows.map((row) => row.dataset.trackId)")] == [first.pk]
    screenshot(page, "library-recent")
    first.refresh_from_db()
    assert first.play_count == 0  # heard to its end, but under 30 s: no play counted
    assert Play.objects.filter(track=first, ended=True, counted=False).count() == 1
    context.close()
