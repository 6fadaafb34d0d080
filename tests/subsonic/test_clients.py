"""A real Subsonic client library (py-opensonic) against the running server: what apps do."""

import asyncio
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests
from libopensonic import Connection
from libopensonic.errors import SonicError

from accounts.models import User
from catalog.audio import ffmpeg_exe
from catalog.models import Track
from playlists.models import LikedTrack, Playlist
from streaming.models import PlaybackState
from streaming.services.plays import plays_flush
from subsonic.selectors import SubsonicSecrets
from tests.streaming.conftest import Clock

pytestmark = pytest.mark.django_db(transaction=True)


def _connection(live_server, **auth: str) -> Connection:
    url = urlsplit(live_server.url)
    return Connection(f"{url.scheme}://{url.hostname}", port=url.port, app_name="tests", **auth)


def _decoded_seconds(audio: bytes) -> float:
    """How long the audio lasts once FFmpeg has decoded every frame of it."""
    result = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "8000", "pipe:1"],
        input=audio,
        capture_output=True,
        check=True,
    )
    return len(result.stdout) / 2 / 8000


def test_a_subsonic_app_browses_streams_scrobbles_and_keeps_its_queue(
    live_server, listener: User, secrets: SubsonicSecrets, track: Track, clock: Clock, settings
) -> None:
    settings.PLAY_COUNT_THRESHOLD_MS = 1_000  # the test's track lasts 2 s
    app = _connection(live_server, username=secrets.username, password=secrets.password)
    try:
        assert app.ping() is True
        artists = app.get_artists()
        assert [a.name for index in artists.index or [] for a in index.artist or []] == [track.artist.name]
        album = app.get_album(f"al-{track.album_id}")
        assert (album.name, [song.title for song in album.song or []]) == ("Northern Lights", ["Polar Night"])
        assert app.get_artist(f"ar-{track.artist_id}").album[0].id == f"al-{track.album_id}"
        assert [a.id for a in app.get_album_list2("newest")] == [f"al-{track.album_id}"]
        found = app.search3("Polar")
        assert [song.id for song in found.song or []] == [f"tr-{track.pk}"]

        assert app.create_playlist(name="Road trip", song_ids=[f"tr-{track.pk}"]) is True
        (playlist,) = app.get_playlists()
        assert [entry.id for entry in app.get_playlist(playlist.id).entry or []] == [f"tr-{track.pk}"]
        app.update_playlist(playlist.id, name="Night drive", song_ids_to_add=[f"tr-{track.pk}"])
        edited = app.get_playlist(playlist.id)
        assert (edited.name, edited.song_count) == ("Night drive", 2)
        assert Playlist.objects.get(owner=listener).name == "Night drive"

        app.star(sids=[f"tr-{track.pk}"])
        assert [song.id for song in app.get_starred2().song or []] == [f"tr-{track.pk}"]
        assert LikedTrack.objects.filter(user=listener, track=track).exists()

        response = app.stream(f"tr-{track.pk}")
        body = _read(app, response)
        assert abs(_decoded_seconds(body) - track.duration_ms / 1000) < 0.5

        clock.advance(ms=track.duration_ms)
        app.scrobble(f"tr-{track.pk}", submission=True)
        assert _play_count_after_flush(track) == 1

        app.save_play_queue([f"tr-{track.pk}", f"tr-{track.pk}"], current=f"tr-{track.pk}", position=1500)
        queue = app.get_play_queue()
        assert ([e.id for e in queue.entry or []], queue.current, queue.position) == (
            [f"tr-{track.pk}", f"tr-{track.pk}"],
            f"tr-{track.pk}",
            1500,
        )
        state = PlaybackState.objects.get(user=listener)
        assert (state.context_tracks, state.track_id, state.position_ms) == ([track.pk, track.pk], track.pk, 1500)
    finally:
        app.cleanup()


def _play_count_after_flush(track: Track) -> int:
    """The track's play count once the play log is written (at once without Redis), polled with a deadline."""
    deadline = time.monotonic() + 10
    while True:
        plays_flush()
        track.refresh_from_db()
        if track.play_count or time.monotonic() > deadline:
            return track.play_count
        time.sleep(0.2)


def _read(app: Connection, response) -> bytes:
    return asyncio.run_coroutine_threadsafe(response.read(), app._loop).result(timeout=30)


def test_an_app_signs_in_with_its_api_key_and_a_wrong_one_is_refused(
    live_server, secrets: SubsonicSecrets, track: Track
) -> None:
    app = _connection(live_server, api_key=secrets.api_key)
    wrong = _connection(live_server, api_key="not-the-key")
    try:
        assert app.get_song(f"tr-{track.pk}").title == "Polar Night"
        with pytest.raises(SonicError) as refused:
            wrong.ping()
        assert str(refused.value) == "The API key is not valid."
    finally:
        app.cleanup()
        wrong.cleanup()


def test_a_plain_http_client_follows_the_stream_redirect_and_asks_for_a_range(
    live_server, secrets: SubsonicSecrets, track: Track
) -> None:
    from tests.subsonic.conftest import token_params

    url = f"{live_server.url}/rest/stream.view"
    whole = requests.get(url, params={**token_params(secrets), "id": f"tr-{track.pk}"}, timeout=30)
    part = requests.get(
        url, params={**token_params(secrets), "id": f"tr-{track.pk}"}, headers={"Range": "bytes=0-99"}, timeout=30
    )

    assert whole.history[0].status_code == 302
    assert (whole.status_code, len(whole.content) > 1000) == (200, True)
    assert (part.status_code, part.content) == (206, whole.content[:100])
    assert (
        urlsplit(whole.url).path.startswith("/edge/") or urlsplit(whole.url).netloc != urlsplit(live_server.url).netloc
    )
