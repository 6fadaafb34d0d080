"""Plays are honest: a report counts only for a track the listener may see, behind a stream grant, once."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.models import Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from streaming import playlog
from streaming.models import Play
from streaming.services import plays
from streaming.services.plays import play_report_accept, plays_flush
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import png_bytes

pytestmark = pytest.mark.django_db

PLAYS = "/api/v1/me/player/plays/"
HISTORY = "/api/v1/me/player/recently-played/"
SONG_MS = 240_000  # the generated audio lasts two seconds; a report is checked against the track's duration
SHORT_MS = 22_000


@pytest.fixture(autouse=True)
def _embedded_edge(settings):
    settings.EDGE_URLS = {}


@pytest.fixture
def song(published_track) -> Track:
    """A published track as long as a song."""
    Track.objects.filter(pk=published_track.pk).update(duration_ms=SONG_MS)
    published_track.refresh_from_db()
    return published_track


@pytest.fixture
def short_song(published_track) -> Track:
    """A published track shorter than the 30 s a play needs to count."""
    Track.objects.filter(pk=published_track.pk).update(duration_ms=SHORT_MS)
    published_track.refresh_from_db()
    return published_track


@pytest.fixture
def other_song(artist, owner, audio_bytes, django_capture_on_commit_callbacks) -> Track:
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Aurora.mp3", audio_bytes("mp3")))
    album = album_create(artist_id=artist.pk, by=owner, title="Daybreak")
    album_tracks_add(album=album, by=owner, track_ids=[track.pk])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("b.png", png_bytes()))
    album_publish(album=album, by=owner)
    Track.objects.filter(pk=track.pk).update(duration_ms=SONG_MS)
    track.refresh_from_db()
    return track


@pytest.fixture
def draft_song(artist, owner, audio_bytes, django_capture_on_commit_callbacks) -> Track:
    """A ready track on an album its artist has not published."""
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Unreleased.flac", audio_bytes("flac")))
    album = album_create(artist_id=artist.pk, by=owner, title="Not Yet")
    album_tracks_add(album=album, by=owner, track_ids=[track.pk])
    Track.objects.filter(pk=track.pk).update(duration_ms=SONG_MS)
    track.refresh_from_db()
    assert track.status == Track.Status.READY
    return track


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _play_token(api: APIClient, track: Track) -> str:
    grant = api.get(f"/api/v1/tracks/{track.pk}/stream/")
    assert grant.status_code == 200
    return grant.json()["play_token"]


def _report(api: APIClient, capture, track: Track, ms_played: int, token: str | None, **extra):
    body = {"track": track.pk, "ms_played": ms_played, **extra}
    if token is not None:
        body["play_token"] = token
    with capture(execute=True):
        response = api.post(PLAYS, body, format="json")
    plays_flush()  # with Redis (services mode) reports wait in the play log until a flush
    return response


def _error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _counts(track: Track) -> tuple[int, int]:
    track.refresh_from_db()
    return track.play_count, Play.objects.filter(track=track).count()


def test_a_report_on_a_draft_track_is_refused_and_never_reaches_history(draft_song, django_capture_on_commit_callbacks):
    api = _api(UserFactory())

    response = _report(api, django_capture_on_commit_callbacks, draft_song, 60_000, None)

    assert _error(response) == (404, "not_found")
    assert api.get(HISTORY).json()["results"] == []
    assert _counts(draft_song) == (0, 0)


def test_reports_without_a_stream_grant_are_refused_and_count_nothing(song, django_capture_on_commit_callbacks):
    api = _api(UserFactory())

    answers = {_error(_report(api, django_capture_on_commit_callbacks, song, 60_000, None)) for _ in range(30)}

    assert answers == {(409, "no_stream_grant")}
    assert _counts(song) == (0, 0)
    assert api.get(HISTORY).json()["results"] == []


def test_a_play_behind_a_grant_counts_once_and_shows_in_history(song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    token = _play_token(api, song)
    clock.advance(ms=31_000)

    response = _report(api, django_capture_on_commit_callbacks, song, 31_000, token)

    assert response.status_code == 202
    play = Play.objects.get()
    assert response.json() == {"play_id": str(play.pk)}
    assert (play.track_id, play.ms_played, play.counted) == (song.pk, 31_000, True)
    assert _counts(song) == (1, 1)
    history = api.get(HISTORY).json()["results"]
    assert [(item["track"]["title"], item["ms_played"]) for item in history] == [("Polar Night", 31_000)]


@pytest.mark.parametrize("path", ["as configured", "no redis"])
def test_a_short_track_heard_to_its_end_is_history_but_no_stream(
    short_song, clock, client, django_capture_on_commit_callbacks, monkeypatch, path
):
    if path == "no redis":  # the database path, whatever the mode: the embedded default, or Redis down
        monkeypatch.setattr(plays, "redis_client", lambda: None)
    listener = UserFactory()
    api = _api(listener)
    token = _play_token(api, short_song)
    clock.advance(ms=15_000)
    _report(api, django_capture_on_commit_callbacks, short_song, 15_000, token)
    clock.advance(ms=SHORT_MS - 15_000)
    _report(api, django_capture_on_commit_callbacks, short_song, SHORT_MS, token, ended=True)
    skipped = _play_token(api, short_song)  # heard again, stopped before its end and before 30 s: a skip
    clock.advance(ms=10_000)
    _report(api, django_capture_on_commit_callbacks, short_song, 10_000, skipped)

    history = api.get(HISTORY).json()["results"]
    assert [(item["track"]["title"], item["ms_played"]) for item in history] == [("Polar Night", SHORT_MS)]
    client.force_login(listener)
    recent = client.get("/library/recent/").content.decode()
    assert "Polar Night" in recent
    assert "What you listen to shows here" not in recent
    assert _counts(short_song) == (0, 2)  # the play count keeps its 30 s rule
    assert sorted(Play.objects.values_list("ended", "counted")) == [(False, False), (True, False)]
    live = playlog.live_figures(kind="track", ids=[short_song.pk])
    assert live is None or live[short_song.pk].streams == 0


@pytest.mark.services
def test_a_short_track_heard_to_its_end_waits_in_the_play_log_then_shows_in_history(short_song, clock):
    listener = UserFactory()
    api = _api(listener)
    token = _play_token(api, short_song)
    clock.advance(ms=SHORT_MS)

    play_report_accept(user=listener, track_id=short_song.pk, ms_played=SHORT_MS, ended=True, play_token=token)

    assert not Play.objects.exists()  # in the play log, not yet in the database
    assert plays_flush() == 1
    assert [item["ms_played"] for item in api.get(HISTORY).json()["results"]] == [SHORT_MS]
    assert playlog.live_figures(kind="track", ids=[short_song.pk])[short_song.pk].streams == 0
    assert _counts(short_song) == (0, 1)


def test_one_grant_reported_many_times_counts_one_play(song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    token = _play_token(api, song)
    answers, heard = [], 0
    for position in (12_000, 31_000, 45_000, 60_000):
        clock.advance(ms=position - heard)
        heard = position
        answers.append(_report(api, django_capture_on_commit_callbacks, song, position, token))
    clock.advance(ms=SONG_MS - heard)
    for _ in range(5):  # the end, said again and again, and a late report from further back
        answers.append(_report(api, django_capture_on_commit_callbacks, song, SONG_MS, token, ended=True))
    answers.append(_report(api, django_capture_on_commit_callbacks, song, 40_000, token))

    assert [response.status_code for response in answers] == [202] * 10
    assert len({response.json()["play_id"] for response in answers}) == 1
    play = Play.objects.get()
    assert (play.ms_played, play.counted, play.ended) == (SONG_MS, True, True)
    assert _counts(song) == (1, 1)


def test_a_second_grant_is_a_second_play(song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    for _ in range(2):
        token = _play_token(api, song)
        clock.advance(ms=SONG_MS)
        assert _report(api, django_capture_on_commit_callbacks, song, SONG_MS, token, ended=True).status_code == 202

    assert _counts(song) == (2, 2)


def test_a_play_longer_than_the_time_since_its_grant_is_refused(song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    token = _play_token(api, song)
    clock.advance(ms=26_000)

    too_long = _report(api, django_capture_on_commit_callbacks, song, 31_001, token)  # 26 s passed, 5 s of slack
    assert _error(too_long) == (409, "play_too_long")
    assert _counts(song) == (0, 0)

    assert _report(api, django_capture_on_commit_callbacks, song, 31_000, token).status_code == 202
    assert _counts(song) == (1, 1)


def test_a_play_longer_than_the_track_is_refused(song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    token = _play_token(api, song)
    clock.advance(ms=SONG_MS * 3)

    too_long = _report(api, django_capture_on_commit_callbacks, song, SONG_MS + 1, token)
    assert _error(too_long) == (409, "play_too_long")
    assert _counts(song) == (0, 0)

    assert _report(api, django_capture_on_commit_callbacks, song, SONG_MS, token).status_code == 202
    assert Play.objects.get().ms_played == SONG_MS


def test_a_grant_for_another_listener_or_another_track_is_refused(
    song, other_song, clock, django_capture_on_commit_callbacks
):
    listener, stranger = UserFactory(), UserFactory()
    api = _api(listener)
    theirs = _play_token(_api(stranger), song)
    other_track = _play_token(api, other_song)
    clock.advance(ms=60_000)

    assert _error(_report(api, django_capture_on_commit_callbacks, song, 60_000, theirs)) == (409, "no_stream_grant")
    assert _error(_report(api, django_capture_on_commit_callbacks, song, 60_000, other_track)) == (
        409,
        "no_stream_grant",
    )
    assert _counts(song) == (0, 0)
    assert _counts(other_song) == (0, 0)


def test_a_changed_play_token_is_refused(song, other_song, clock, django_capture_on_commit_callbacks):
    api = _api(UserFactory())
    token = _play_token(api, other_song)
    clock.advance(ms=60_000)
    payload, signature = token.rsplit(":", 1)
    user_id, _, *rest = signing.b64_decode(payload.encode()).decode().strip("[]").split(",")
    for_song = signing.b64_encode(f"[{user_id},{song.pk},{','.join(rest)}]".encode()).decode()
    changed = [
        f"{for_song}:{signature}",  # the other track's signature on this one
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "not-a-token",
    ]

    answers = [_error(_report(api, django_capture_on_commit_callbacks, song, 60_000, bad)) for bad in changed]

    assert answers == [(409, "no_stream_grant")] * 3
    assert _counts(song) == (0, 0)


def test_the_browser_stream_redirect_hands_out_a_receipt_too(song, client, clock, django_capture_on_commit_callbacks):
    listener = UserFactory()
    client.force_login(listener)
    token = client.get(f"/stream/{song.pk}/")["Play-Token"]
    clock.advance(ms=45_000)

    response = _report(_api(listener), django_capture_on_commit_callbacks, song, 45_000, token)

    assert response.status_code == 202
    assert _counts(song) == (1, 1)


def test_a_private_session_is_checked_but_leaves_no_trace(song, clock, django_capture_on_commit_callbacks):
    listener = UserFactory()
    listener.profile.private_session = True
    listener.profile.save()
    api = _api(listener)
    token = _play_token(api, song)
    clock.advance(ms=60_000)

    assert _report(api, django_capture_on_commit_callbacks, song, 60_000, token).status_code == 202
    assert _error(_report(api, django_capture_on_commit_callbacks, song, 60_000, None)) == (409, "no_stream_grant")
    assert _counts(song) == (0, 0)


def test_with_no_redis_a_report_is_written_in_the_request(song, clock, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(plays, "redis_client", lambda: None)  # the embedded default's, in either mode
    listener = UserFactory()
    api = _api(listener)
    token = _play_token(api, song)  # the grant caches the track's facts the checks read
    clock.advance(ms=60_000)

    # The checks query nothing; the play's row and the track's count are written at once, no task to wait for.
    with django_assert_max_num_queries(10):
        play_id = play_report_accept(user=listener, track_id=song.pk, ms_played=60_000, ended=False, play_token=token)

    assert Play.objects.get().pk == play_id
    assert _counts(song) == (1, 1)


@pytest.mark.parametrize(
    ("context", "source"),
    [
        ("/albums/12/", "album"),
        ("/playlists/3/", "playlist"),
        ("/library/tracks/", "playlist"),
        ("/artists/aurora/", "artist"),
        ("/search/?q=aurora", "search"),
        ("spotifyclone:radio:track:7", "radio"),
        ("spotifyclone:autoplay", "radio"),
        ("/genres/pop/", "other"),
        ("", "other"),
    ],
)
def test_a_play_keeps_where_it_was_started_and_from_which_country(
    song, clock, django_capture_on_commit_callbacks, context, source
):
    listener = UserFactory()
    listener.profile.country = "SE"
    listener.profile.save()
    api = _api(listener)
    token = _play_token(api, song)
    granted_at_ms = clock.now_ms
    clock.advance(ms=20_000)
    _report(api, django_capture_on_commit_callbacks, song, 20_000, token, context_uri=context)
    clock.advance(ms=40_000)
    _report(api, django_capture_on_commit_callbacks, song, 60_000, token, context_uri=context)

    play = Play.objects.get(user=listener)
    assert (play.source, play.country, play.ms_played, play.counted) == (source, "SE", 60_000, True)
    assert play.started_at.timestamp() * 1000 == granted_at_ms
