"""Loudness normalisation in a real browser: the album's gain while its album plays in order, the track's otherwise."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.audio import ffmpeg_exe
from catalog.models import Album, Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from catalog.synth import audio_synthesise
from streaming.models import AlbumLoudness, TrackMedia
from tests.catalog.conftest import png_bytes
from tests.e2e.test_player import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARGET_LUFS, PEAK_CEILING_DBTP = -14.0, -1.0  # static/js/player/loudness.js


@pytest.fixture
def quiet_and_loud(transactional_db, artist, owner, tmp_path) -> Album:
    """A published album of a track 12 dB quieter than the next one, measured as it was published."""
    loud = audio_synthesise(tmp_path / "loud.flac", seconds=12, fmt="flac", seed=4)
    quiet = tmp_path / "quiet.flac"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(loud), "-af", "volume=-12dB", str(quiet)],
        check=True,
        timeout=60,
    )
    tracks = [
        track_upload(artist=artist, by=owner, file=SimpleUploadedFile(f"{path.stem}.flac", path.read_bytes()))
        for path in (quiet, loud)
    ]
    album = album_create(artist_id=artist.pk, by=owner, title="Low Tide")
    album_tracks_add(album=album, by=owner, track_ids=[t.pk for t in tracks])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("cover.png", png_bytes()))
    album_publish(album=album, by=owner)
    return album


def _gain(lufs: float, peak: float) -> float:
    return 10 ** (min(TARGET_LUFS - lufs, PEAK_CEILING_DBTP - peak) / 20)


def _play(page, track_id: int, gain: float) -> float:
    """Play the row's track until it sounds with its element's GainNode at ``gain``; the node's gain then.

    A row plays at once, and the server's answer says in what context: the gain follows it within a
    fraction of a second, which a wrong gain would not reach (the wait would fail).
    """
    page.click(f"[data-tracklist] li[data-track-id='{track_id}'] [data-action=play]")
    page.wait_for_function(
        "([id, gain]) => { const l = window.scPlayer.loaded; const a = document.querySelector('#player audio');"
        " return l && l.id === id && !a.paused && a.currentTime > 0.3 && Math.abs(l.nodeGain - gain) < 1e-3; }",
        arg=[track_id, gain],
    )
    return page.evaluate("window.scPlayer.loaded.nodeGain")


def test_an_album_in_order_plays_at_its_album_gain_and_a_shuffled_track_at_its_own(
    browser, live_server, quiet_and_loud, listener
):
    quiet, loud = Track.objects.filter(album=quiet_and_loud).order_by("track_number").values_list("pk", flat=True)
    album = AlbumLoudness.objects.get(album=quiet_and_loud)
    own = TrackMedia.objects.get(track_id=quiet)
    album_gain, quiet_gain = (
        _gain(album.loudness_lufs, album.true_peak_dbtp),
        _gain(own.loudness_lufs, own.true_peak_dbtp),
    )
    assert quiet_gain > 1  # turned up: too quiet, with room under its peak
    assert abs(quiet_gain - album_gain) > 0.5
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _sign_in(context, live_server, listener, reverse("browse:album", args=[quiet_and_loud.pk]))
    page.wait_for_selector("[data-tracklist] li[data-track-id]")

    in_order = [_play(page, quiet, album_gain), _play(page, loud, album_gain)]
    page.click("#player [data-player=shuffle]")
    page.wait_for_function("() => window.scPlayer.state && window.scPlayer.state.shuffle_state")
    shuffled = _play(page, quiet, quiet_gain)

    # In order, both tracks of the album play at the album's one gain; shuffled, the quiet one at its own, raised.
    assert in_order == [pytest.approx(album_gain, abs=1e-3)] * 2
    assert shuffled == pytest.approx(quiet_gain, abs=1e-3)
    # The element is read through Web Audio: it asked the edge with CORS.
    assert page.evaluate("document.querySelector('#player audio').crossOrigin") == "anonymous"
    context.close()
