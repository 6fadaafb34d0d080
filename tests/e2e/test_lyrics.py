"""Synced lyrics in a real browser: an artist taps them in time in the studio, a listener sees them follow the music."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from catalog.models import Lyrics, Track
from catalog.services.lyrics import lyrics_publish, lyrics_save
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_pages import accessibility_violations
from tests.e2e.test_player import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AUDIO = "document.querySelector('#player audio')"
EDITOR_AUDIO = "document.querySelector('[data-lyrics=audio]')"
WORDS = ["Cold light over the water", "We wait for the green to rise", "", "Hold on to the northern sky"]
TAPS = [2.0, 5.0, 8.0, 11.0]  # the audio's time, in seconds, after which each line is tapped
LINES = [
    {"start_ms": 1_000, "text": "Cold light over the water"},
    {"start_ms": 4_000, "text": "We wait for the green to rise"},
    {"start_ms": 7_500, "text": ""},
    {"start_ms": 9_000, "text": "Hold on to the northern sky"},
    {"start_ms": 13_000, "text": "Until the morning comes"},
]


def _first_track(album: Any) -> Track:
    return Track.objects.filter(album=album).order_by("track_number", "pk").first()


def _open_lyrics(page: Any) -> None:
    """Open the panel with its key, and wait for the lyrics it asks for at each opening."""
    with page.expect_response(lambda response: "/lyrics/" in response.url):
        page.keyboard.press("l")
    page.wait_for_selector("#player-lyrics:not([hidden])")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def _marked_at(page: Any, line: int) -> float:
    """Where the audio was, in s, when the panel marked `line`: seek a second before its start, play, and watch."""
    page.evaluate(
        """([audio, line, from]) => {
            window.__markedAt = null;
            const node = document.querySelectorAll('#player-lyrics .lyrics-line')[line];
            const seen = new MutationObserver(() => {
                if (node.classList.contains('is-current') && window.__markedAt === null) {
                    window.__markedAt = document.querySelector(audio).currentTime;
                    seen.disconnect();
                }
            });
            seen.observe(node, { attributes: true, attributeFilter: ['class'] });
            const seek = document.querySelector('[data-player=seek]');  // as the listener seeks, on the bar
            seek.value = String(from);
            seek.dispatchEvent(new Event('change'));
        }""",
        ["#player audio", line, max(0, LINES[line]["start_ms"] - 1000)],
    )
    page.wait_for_function("() => window.__markedAt !== null", timeout=10_000)
    marked_at = page.evaluate("window.__markedAt")
    print(f"line {line} marked {1000 * marked_at - LINES[line]['start_ms']:.0f} ms of music after its start")
    return marked_at


def test_an_artist_taps_lyrics_in_time_saves_and_publishes_them(
    browser: Any, live_server: Any, album: Any, owner: Any, listener: Any, screenshot: Any
) -> None:
    track = _first_track(album)
    owner.set_password(PASSWORD)
    owner.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Music plays in the bar on the studio's page.
    page = _sign_in(context, live_server, owner, reverse("browse:album", args=[album.pk]))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.click("[data-tracklist] li[data-track-id] [data-action=play]")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2")
    page.goto(f"{live_server.url}{reverse('studio:track', args=[track.pk])}")
    page.wait_for_selector("#player.has-item [data-player=play]")
    if page.evaluate(f"{AUDIO}.paused"):
        page.click("[data-player=play]")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2", timeout=15_000)
    page.click("text=Edit the lyrics")
    page.wait_for_url(f"{live_server.url}{reverse('studio:track_lyrics', args=[track.pk])}")
    page.wait_for_selector("#lyrics-editor:not([hidden])")
    page.wait_for_function("() => document.querySelector('[data-lyrics=state]').textContent.includes('No lyrics')")

    page.fill("#lyrics-text", "\n".join(WORDS))
    page.fill("#lyrics-language", "en")
    page.fill("#lyrics-written-by", "Aurora Fields")
    assert page.locator(".lyrics-timing").count() == 4

    # Sync: the track plays from the start, and each Space gives the next line the audio's time.
    page.click("[data-lyrics=sync]")
    page.wait_for_function(f"() => {AUDIO}.paused")  # the bar's music paused for the track being synced
    stamped = []
    for at in TAPS:
        page.wait_for_function(
            f"(s) => !{EDITOR_AUDIO}.paused && {EDITOR_AUDIO}.currentTime > s", arg=at, timeout=20_000
        )
        before = page.evaluate(f"{EDITOR_AUDIO}.currentTime")
        page.keyboard.press("Space")
        stamped.append(before)
    page.wait_for_selector("[data-lyrics=sync]:not([hidden])")  # every line has its start: sync mode is over
    assert page.evaluate(f"{EDITOR_AUDIO}.paused") is False  # Space tapped; it did not pause the track
    screenshot(page, "lyrics-editor")
    times = page.eval_on_selector_all(".lyrics-time", "inputs => inputs.map((i) => i.value)")
    starts_ms = [_ms(value) for value in times]
    for tapped, start in zip(stamped, starts_ms, strict=True):
        # Stamped when the key came: after the time it was pressed at, and before the next frame's worth of slack.
        assert tapped * 1000 - 10 <= start <= tapped * 1000 + 1_000, (stamped, times)

    # A start before the line above is marked, and refused on saving with the server's words.
    page.fill(".lyrics-timing:nth-child(3) .lyrics-time", "0:00.50")
    page.press(".lyrics-timing:nth-child(3) .lyrics-time", "Tab")
    page.wait_for_selector(".lyrics-timing:nth-child(3).is-out-of-order")
    page.click("[data-lyrics=save]")
    page.wait_for_selector("[data-lyrics=status]:has-text('Line 3 starts at')")
    assert "before line 2" in page.inner_text("[data-lyrics=status]")
    assert not Lyrics.objects.filter(track=track).exists()

    # Fine-tune the second line by 0.1 s later, the third by typing.
    page.click(".lyrics-timing:nth-child(2) button[title='0.1 s later']")
    page.fill(".lyrics-timing:nth-child(3) .lyrics-time", "0:08.50")
    page.press(".lyrics-timing:nth-child(3) .lyrics-time", "Tab")
    starts_ms[1] += 100
    starts_ms[2] = 8_500

    page.click("[data-lyrics=save]")
    page.wait_for_selector("[data-lyrics=status]:has-text('Draft saved, synced.')")
    draft = Lyrics.objects.get(track=track, state=Lyrics.State.DRAFT)
    assert (draft.synced, draft.language, draft.written_by, draft.source) == (True, "en", "Aurora Fields", "editor")
    assert [line["text"] for line in draft.lines] == WORDS
    assert [line["start_ms"] for line in draft.lines] == pytest.approx(starts_ms, abs=10)

    # The draft is the artist's alone: a listener's player says there are none.
    ears = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, "/")
    answer = ears.evaluate(f"fetch('/api/v1/tracks/{track.pk}/lyrics/?state=draft').then((r) => r.status)")
    assert answer == 404
    ears.goto(f"{live_server.url}{reverse('browse:album', args=[album.pk])}")
    ears.click("[data-tracklist] li[data-track-id] [data-action=play]")
    ears.wait_for_function(f"() => !{AUDIO}.paused")
    _open_lyrics(ears)
    ears.wait_for_selector("[data-player=lyrics-empty]:has-text('No lyrics for this track.')")

    page.click("[data-lyrics=publish]")
    page.wait_for_selector("[data-lyrics=status]:has-text('Published')")
    published = Lyrics.objects.get(track=track, state=Lyrics.State.PUBLISHED)
    assert [line["start_ms"] for line in published.lines] == pytest.approx(starts_ms, abs=10)
    assert not Lyrics.objects.filter(track=track, state=Lyrics.State.DRAFT).exists()

    # Opened again, the listener's panel has them, synced, in their language.
    ears.keyboard.press("Escape")
    ears.wait_for_selector("#player-lyrics", state="hidden")
    _open_lyrics(ears)
    ears.wait_for_selector("#player-lyrics .lyrics-line >> nth=3")
    assert ears.get_attribute("[data-player=lyrics-lines]", "lang") == "en"
    assert ears.inner_text("[data-player=lyrics-credit]") == "Written by Aurora Fields"

    # Export writes what the editor holds; importing an .lrc file replaces it, to be saved.
    with page.expect_download() as exported:
        page.click("[data-lyrics=export]")
    lrc = Path(exported.value.path()).read_text(encoding="utf-8").splitlines()
    assert lrc[:4] == ["[ti:Polar Night]", "[ar:Aurora Fields]", "[au:Aurora Fields]", "[la:en]"]
    assert [line[10:] for line in lrc[4:]] == WORDS
    assert [_ms(line[1:9]) for line in lrc[4:]] == pytest.approx(starts_ms, abs=10)
    page.set_input_files(
        "#lyrics-lrc-file",
        files=[
            {
                "name": "polar.lrc",
                "mimeType": "text/plain",
                "buffer": "[la:fr]\n[00:03.10]Lumière\n[00:01.00]Froide\n".encode(),
            }
        ],
    )
    page.wait_for_selector("[data-lyrics=status]:has-text('Read 2 lines from “polar.lrc”')")
    assert page.input_value("#lyrics-text") == "Froide\nLumière"
    assert page.input_value("#lyrics-language") == "fr"
    assert page.eval_on_selector_all(".lyrics-time", "inputs => inputs.map((i) => i.value)") == ["0:01.00", "0:03.10"]
    # Times cleared, saved and published: plain lyrics, shown with no line marked.
    page.click("[data-lyrics=clear-times]")
    page.click("[data-lyrics=publish]")
    page.wait_for_selector("[data-lyrics=status]:has-text('Published')")
    assert Lyrics.objects.get(track=track, state=Lyrics.State.PUBLISHED).synced is False
    ears.keyboard.press("Escape")
    _open_lyrics(ears)
    assert ears.locator("#player-lyrics .lyrics-line").all_inner_texts() == ["Froide", "Lumière"]
    assert ears.get_attribute("[data-player=lyrics-lines]", "lang") == "fr"
    assert ears.evaluate("window.scPlayer.lyrics") == {"trackId": track.pk, "line": -1, "synced": False}
    assert errors == []
    context.close()


def _ms(value: str) -> int:
    minutes, seconds = value.split(":")
    return round((int(minutes) * 60 + float(seconds)) * 1000)


def test_the_player_marks_the_line_that_plays_across_pages_and_after_a_transfer(
    browser: Any, live_server: Any, album: Any, owner: Any, listener: Any, screenshot: Any
) -> None:
    track = _first_track(album)
    lyrics_save(
        track=track, by=owner, lines=LINES, language="en", written_by="", synced=True, state="draft", source="editor"
    )
    lyrics_publish(track=track, by=owner)
    album_path = reverse("browse:album", args=[album.pk])
    laptop = _sign_in(browser.new_context(viewport={"width": 1280, "height": 800}), live_server, listener, album_path)
    errors: list[str] = []
    laptop.on("pageerror", lambda error: errors.append(str(error)))
    laptop.click("[data-tracklist] li[data-track-id] [data-action=play]")
    laptop.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2")
    # The track repeats, so that it still plays after the seeks and the walk below.
    laptop.click("[data-player=repeat]")
    laptop.wait_for_selector("[data-player=repeat][data-state=context]")
    laptop.click("[data-player=repeat]")
    laptop.wait_for_selector("[data-player=repeat][data-state=track]")
    laptop.click("[data-player=lyrics]")
    laptop.wait_for_selector("#player-lyrics .lyrics-line >> nth=4")
    assert laptop.evaluate("document.activeElement.id") == "player-lyrics-title"
    assert laptop.locator("#player-lyrics .lyrics-line").all_inner_texts() == [
        "Cold light over the water",
        "We wait for the green to rise",
        "♪",
        "Hold on to the northern sky",
        "Until the morning comes",
    ]

    # At each line's start the panel marks it while the music is no more than 250 ms into it.
    for line in (1, 3, 4):
        marked_at = _marked_at(laptop, line)
        start = LINES[line]["start_ms"] / 1000
        assert start <= marked_at < start + 0.25, (line, marked_at)
        laptop.wait_for_selector(f"[data-player=lyrics-now]:has-text('{LINES[line]['text']}')", state="attached")
        assert laptop.locator("#player-lyrics .lyrics-line.is-current").count() == 1
    screenshot(laptop, "lyrics-panel")
    assert accessibility_violations(laptop) == ""

    # A click on a line plays from its start.
    laptop.click("#player-lyrics .lyrics-line >> nth=1")
    laptop.wait_for_function("() => window.scPlayer.lyrics.line === 1")
    assert laptop.evaluate(f"{AUDIO}.currentTime") >= LINES[1]["start_ms"] / 1000

    # Another page through htmx: the panel stays open and keeps following.
    laptop.click("[data-player=artist]")
    laptop.wait_for_url(f"{live_server.url}{reverse('browse:artist', args=[album.artist.slug])}")
    assert laptop.is_visible("#player-lyrics")
    marked_at = _marked_at(laptop, 1)
    assert LINES[1]["start_ms"] / 1000 <= marked_at < LINES[1]["start_ms"] / 1000 + 0.25

    # Another device of the listener's follows the laptop's playback by the state, then plays it itself.
    phone = _sign_in(browser.new_context(viewport={"width": 390, "height": 844}), live_server, listener, "/")
    phone.wait_for_selector("[data-player=elsewhere]:not([hidden])")
    phone.click("[data-player=lyrics]")
    phone.wait_for_selector("#player-lyrics .lyrics-line.is-current")
    screenshot(phone, "lyrics-panel-elsewhere")
    phone.click("[data-player=devices]")
    phone.click(".device-list button[data-device-id='{}']".format(phone.evaluate("window.scPlayer.device")))
    phone.wait_for_function(f"() => window.scPlayer.loaded && {AUDIO}.readyState >= 3 && !{AUDIO}.paused")
    phone.wait_for_selector("#player-lyrics", state="hidden")  # the devices' list closed it
    _open_lyrics(phone)
    marked_at = _marked_at(phone, 4)
    assert LINES[4]["start_ms"] / 1000 <= marked_at < LINES[4]["start_ms"] / 1000 + 0.25
    assert phone.evaluate("window.scPlayer.lyrics") == {"trackId": track.pk, "line": 4, "synced": True}

    # The next track, which has none: the open panel follows and says so.
    second = Track.objects.filter(album=album).order_by("track_number", "pk")[1]
    phone.locator("#player-lyrics h2").focus()
    phone.keyboard.press("Shift+ArrowRight")
    phone.wait_for_function("(id) => window.scPlayer.lyrics.trackId === id", arg=second.pk)
    phone.wait_for_selector("[data-player=lyrics-empty]:has-text('No lyrics for this track.')")
    assert phone.locator("#player-lyrics .lyrics-line").count() == 0
    assert errors == []
