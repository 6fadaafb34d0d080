"""Gapless playback between an album's consecutive tracks, and the crossfade between others, heard in a real browser.

The gap is measured in audio time, from the page: both of the player's audio
elements are captured (``captureStream()``) into a Web Audio graph whose
processor counts, sample by sample, how long the sound stops. The album is one
unbroken sine tone cut in two (catalog.synth.tone_split_synthesise), so any
silence at the join was added by the encoding or by the player.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Album, Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from catalog.synth import tone_split_synthesise
from tests.catalog.conftest import png_bytes
from tests.e2e.test_player import AUDIO, _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TONE_SECONDS = 6
GAP_LIMIT_MS = 50

# Every audio element of the player, captured into one Web Audio graph that finds the longest silence
# between the first sound and now: runs of samples under the threshold, counted at the context's rate.
GAP_METER = """() => {
  const context = new AudioContext();
  const mix = context.createGain();
  const meter = context.createScriptProcessor(1024, 1, 1);
  const found = { started: false, silent: 0, longest: 0, samples: 0, rate: context.sampleRate, state: "" };
  meter.onaudioprocess = (event) => {
    const input = event.inputBuffer.getChannelData(0);
    for (let i = 0; i < input.length; i += 1) {
      if (Math.abs(input[i]) > 0.02) {
        found.longest = Math.max(found.longest, found.silent);
        found.started = true;
        found.silent = 0;
      } else if (found.started) {
        found.silent += 1;
      }
    }
    found.samples += input.length;
    found.state = context.state;
  };
  mix.connect(meter);
  meter.connect(context.destination);
  const listen = (track) => {
    if (track.kind === "audio") {
      context.createMediaStreamSource(new MediaStream([track])).connect(mix);
    }
  };
  document.querySelectorAll("#player audio").forEach((element) => {
    const stream = element.captureStream();
    stream.getAudioTracks().forEach(listen);
    stream.addEventListener("addtrack", (event) => listen(event.track));
  });
  window.__gapMeter = found;
  return context.resume().then(() => context.state);
}"""


def _tone_album(artist, owner, tmp_path: Path) -> Album:
    titles = ["Tone, first half", "Tone, second half"]
    paths = tone_split_synthesise([tmp_path / "a.flac", tmp_path / "b.flac"], seconds=TONE_SECONDS)
    tracks = [
        track_upload(artist=artist, by=owner, file=SimpleUploadedFile(f"{title}.flac", path.read_bytes()))
        for title, path in zip(titles, paths, strict=True)
    ]
    for track, title in zip(tracks, titles, strict=True):
        Track.objects.filter(pk=track.pk).update(title=title)
    album = album_create(artist_id=artist.pk, by=owner, title="One Long Tone")
    album_tracks_add(album=album, by=owner, track_ids=[t.pk for t in tracks])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("cover.png", png_bytes()))
    album_publish(album=album, by=owner)
    return album


def test_an_albums_next_track_follows_without_a_gap(browser, live_server, artist, owner, listener, tmp_path):
    album = _tone_album(artist, owner, tmp_path)
    first, second = Track.objects.filter(album=album).order_by("track_number").values_list("pk", flat=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[album.pk]))
    reports = []
    page.on("request", lambda r: reports.append(r.post_data_json) if r.url.endswith("/me/player/plays/") else None)
    assert page.evaluate(GAP_METER) == "running"

    page.click("[data-action=play-all]")
    page.wait_for_function("(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id", arg=first)
    # Well into the second track: the join is behind us, heard by the meter.
    page.wait_for_function(
        "(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id"
        f" && !{AUDIO}.paused && {AUDIO}.currentTime > 1.5",
        arg=second,
        timeout=30_000,
    )
    meter = page.evaluate("window.__gapMeter")
    gap_ms = meter["longest"] / meter["rate"] * 1000
    print(f"gap between the album's tracks: {gap_ms:.1f} ms ({meter['samples']} samples heard)")
    assert meter["started"]
    assert gap_ms < GAP_LIMIT_MS

    # The rest of the player followed the join: the server's state, the bar, the media session, the first play's report.
    page.wait_for_function("(id) => window.scPlayer.state.item.id === id", arg=second)
    assert page.inner_text("[data-player=title]") == "Tone, second half"
    assert page.evaluate("navigator.mediaSession.metadata.title") == "Tone, second half"
    assert page.evaluate(f"{AUDIO}.src").startswith(live_server.url)
    # The first track's play reported as heard to its end, with its grant's receipt.
    assert [(r["track"], r["ended"], bool(r["play_token"])) for r in reports if r["track"] == first][-1] == (
        first,
        True,
        True,
    )
    context.close()


# Every 20 ms: the loaded track and the fade under way (the two elements' levels, and whether each plays).
FADE_SAMPLER = """() => {
  window.__fades = [];
  window.setInterval(() => {
    const player = window.scPlayer;
    window.__fades.push({ loaded: player.loaded && player.loaded.id, fading: player.join.fading });
  }, 20);
}"""


def test_a_crossfade_set_in_the_settings_ramps_both_tracks_but_never_an_albums_next(
    browser, live_server, artist, owner, listener, tmp_path, screenshot
):
    album = _tone_album(artist, owner, tmp_path)
    first, second = Track.objects.filter(album=album).order_by("track_number").values_list("pk", flat=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _sign_in(context, live_server, listener, reverse("accounts:settings"))
    page.select_option("#id_crossfade_seconds", "3")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("#player[data-crossfade='3']", state="attached")
    assert page.evaluate("document.getElementById('id_crossfade_seconds').value") == "3"
    page.evaluate("document.getElementById('id_crossfade_seconds').scrollIntoView({ block: 'center' })")
    screenshot(page, "settings-crossfade")

    page.goto(f"{live_server.url}{reverse('browse:album', args=[album.pk])}")
    page.wait_for_function("() => window.scPlayer && !document.getElementById('player').hidden")
    page.evaluate(FADE_SAMPLER)
    page.click("[data-action=play-all]")
    page.wait_for_function("(id) => window.scPlayer.state && window.scPlayer.state.item.id === id", arg=first)
    page.click("[data-player=repeat]")  # the album again after its end: back to its first track, not its next
    page.wait_for_function("() => window.scPlayer.state.repeat_state === 'context'")
    # The first track gaplessly into the second, then the second crossfaded into the first, and the fade over.
    page.wait_for_function(
        "(id) => window.scPlayer.loaded && window.scPlayer.loaded.id === id && window.__fades.some((s) => s.fading)"
        " && !window.scPlayer.join.fading && window.__fades.some((s) => s.loaded !== id)",
        arg=first,
        timeout=40_000,
    )
    samples = page.evaluate("window.__fades")
    fading = [s["fading"] for s in samples if s["fading"]]
    assert not [s for s in samples if s["fading"] and s["loaded"] == second]  # the album's next track: no fade
    assert {s["loaded"] for s in samples if s["fading"]} == {first}
    assert len(fading) >= 5
    both = [f for f in fading if f["outgoing"]["playing"] and f["incoming"]["playing"]]
    assert len(both) >= 5, fading  # both heard at once
    incoming = [f["incoming"]["level"] for f in fading]
    outgoing = [f["outgoing"]["level"] for f in fading]
    assert incoming == sorted(incoming)  # ramps, each one way
    assert outgoing == sorted(outgoing, reverse=True)
    assert incoming[0] < 0.5 * incoming[-1]
    assert outgoing[-1] < 0.5 * outgoing[0]
    context.close()
