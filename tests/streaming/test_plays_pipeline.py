"""The play pipeline: reports accepted into the play log in Redis with no query, flushed to the database in bulk."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from core.scripts import redis_client
from streaming import playlog, receipts
from streaming.models import Play
from streaming.services import plays
from streaming.services.plays import PlayReport, play_log_append, play_report_accept, play_reports_write, plays_flush
from tests.accounts.factories import UserFactory
from tests.streaming.factories import TrackMediaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

PLAYS = "/api/v1/me/player/plays/"
START_MS = 1_764_100_000_000  # 2025-11-25 19:46:40 UTC
HOUR = playlog.hour_of(START_MS)


@pytest.fixture
def song(db):
    return TrackMediaFactory(track__duration_ms=240_000).track


def _log_length() -> int:
    return redis_client().xlen(playlog.stream_key())


def _token(user, track, clock, **receipt) -> str:
    return receipts.play_receipt_sign(user_id=user.pk, track_id=track.pk, now_ms=clock.now_ms, **receipt)


def _accept(user, track, token, ms_played, clock, ended=False, context=""):
    return play_report_accept(
        user=user,
        track_id=track.pk,
        ms_played=ms_played,
        ended=ended,
        play_token=token,
        context=context,
        now_ms=clock.now_ms + ms_played,
    )


def _report(play_id, user_id, track, ms_played, ended=False, started_at_ms=START_MS) -> PlayReport:
    return PlayReport(
        play_id=play_id,
        user_id=user_id,
        track_id=track.pk,
        artist_id=track.artist_id,
        ms_played=ms_played,
        ended=ended,
        started_at_ms=started_at_ms,
        source="album",
        country="SE",
    )


def _live(kind, item_id, clock):
    from datetime import UTC, datetime

    now = datetime.fromtimestamp(clock.now_ms / 1000, tz=UTC)
    return playlog.live_figures(kind=kind, ids=[item_id], hours=24, now=now)[item_id]


def test_an_accepted_report_goes_to_the_play_log_without_a_query(song, clock, django_assert_num_queries):
    listener = UserFactory()
    api = APIClient()
    api.force_authenticate(listener)
    token = _token(listener, song, clock, country="SE")
    clock.advance(ms=40_000)
    body = {"track": song.pk, "ms_played": 20_000, "play_token": token, "context_uri": "/albums/1/"}
    assert api.post(PLAYS, body, format="json").status_code == 202  # the track's facts are cached from here on

    # Before, the track's visibility and the outbox row: two queries per report. Now none.
    with django_assert_num_queries(0):
        response = api.post(PLAYS, {**body, "ms_played": 40_000}, format="json")

    assert response.status_code == 202
    assert _log_length() == 2
    assert not Play.objects.exists()
    live = _live("track", song.pk, clock)
    assert (live.streams, live.listeners, live.sources, live.countries) == (1, 1, {"album": 1}, {"SE": 1})
    assert _live("artist", song.artist_id, clock).streams == 1


def test_a_flush_writes_the_log_to_the_database_and_counts_each_play_once(song, clock):
    listeners = UserFactory.create_batch(3)
    tokens = [_token(listener, song, clock, country="NO") for listener in listeners]
    # Out of order, sent twice, ended once: the furthest position wins.
    for position in (20_000, 45_000, 10_000, 45_000):
        for listener, token in zip(listeners, tokens, strict=True):
            _accept(listener, song, token, position, clock, context="spotifyclone:radio:track:1")
    _accept(listeners[0], song, tokens[0], 60_000, clock, ended=True)

    assert plays_flush() == 13

    rows = sorted(Play.objects.values_list("user_id", "ms_played", "ended", "counted", "source", "country"))
    assert rows == [
        (listeners[0].pk, 60_000, True, True, "radio", "NO"),
        (listeners[1].pk, 45_000, False, True, "radio", "NO"),
        (listeners[2].pk, 45_000, False, True, "radio", "NO"),
    ]
    song.refresh_from_db()
    assert song.play_count == 3
    assert _log_length() == 0
    live = _live("track", song.pk, clock)
    assert (live.streams, live.listeners, live.sources) == (3, 3, {"radio": 3})

    # Later reports of the same plays move them on, and count nothing again.
    _accept(listeners[1], song, tokens[1], 50_000, clock, ended=True)
    assert plays_flush() == 1
    song.refresh_from_db()
    assert song.play_count == 3
    assert Play.objects.get(user=listeners[1]).ms_played == 50_000
    assert _live("track", song.pk, clock).streams == 3
    assert plays_flush() == 0


def test_a_play_under_the_threshold_is_kept_but_not_counted_until_it_passes(song, clock):
    listener = UserFactory()
    token = _token(listener, song, clock)
    _accept(listener, song, token, 12_000, clock)
    plays_flush()
    song.refresh_from_db()
    assert (Play.objects.get().counted, song.play_count, _live("track", song.pk, clock).streams) == (False, 0, 0)

    _accept(listener, song, token, 31_000, clock)
    plays_flush()

    song.refresh_from_db()
    assert (Play.objects.get().counted, song.play_count, _live("track", song.pk, clock).streams) == (True, 1, 1)


def test_a_batch_is_written_in_the_same_few_queries_however_many_reports(song, clock):
    users = UserFactory.create_batch(40)

    def batch(size: int, play_ids: list[uuid.UUID], ms_played: int) -> int:
        client = redis_client()
        client.delete(playlog.stream_key())
        for index in range(size):
            play_log_append(report=_report(play_ids[index % len(play_ids)], users[index % 40].pk, song, ms_played))
        entries = client.xrange(playlog.stream_key())
        with CaptureQueriesContext(connection) as queries:
            play_reports_write(reports=[fields for _, fields in entries])
        return len(queries)

    small_ids = [uuid.uuid4() for _ in range(40)]
    big_ids = [uuid.uuid4() for _ in range(400)]
    new_small, new_big = batch(100, small_ids, 20_000), batch(1_000, big_ids, 20_000)
    moved_small, moved_big = batch(100, small_ids, 40_000), batch(1_000, big_ids, 40_000)

    assert new_small == new_big <= 8
    assert moved_small == moved_big <= 8
    song.refresh_from_db()
    assert (Play.objects.count(), Play.objects.filter(counted=True).count(), song.play_count) == (440, 440, 440)


def test_entries_a_dead_flush_read_are_taken_over(song, clock):
    listener = UserFactory()
    _accept(listener, song, _token(listener, song, clock), 40_000, clock)
    client = redis_client()
    stream = playlog.stream_key()
    plays._group_ensure(client, stream)
    # A flush read the entry, then died before writing it or acknowledging it.
    assert len(client.xreadgroup(playlog.GROUP, "dead-worker", {stream: ">"}, count=10)[0][1]) == 1

    assert plays_flush() == 0  # not idle long enough yet: the dead flush might still be at it
    assert not Play.objects.exists()

    assert plays_flush(claim_idle_ms=0) == 1
    song.refresh_from_db()
    assert (Play.objects.get().ms_played, song.play_count) == (40_000, 1)
    assert client.xpending(stream, playlog.GROUP)["pending"] == 0


def test_a_batch_written_twice_leaves_the_same_rows_and_counts(song, clock):
    listener = UserFactory()
    _accept(listener, song, _token(listener, song, clock), 40_000, clock)
    entries = [fields for _, fields in redis_client().xrange(playlog.stream_key())]

    play_reports_write(reports=entries)
    play_reports_write(reports=entries)  # a flush that died after the database, before acknowledging

    song.refresh_from_db()
    assert (Play.objects.count(), song.play_count) == (1, 1)


def test_with_redis_down_a_report_goes_straight_to_the_database(song, clock, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(plays, "script_run", down)
    listener = UserFactory()
    token = _token(listener, song, clock, country="FI")

    _accept(listener, song, token, 40_000, clock, context="/playlists/4/")
    _accept(listener, song, token, 20_000, clock)

    play = Play.objects.get()
    song.refresh_from_db()
    assert (play.ms_played, play.counted, play.source, play.country, song.play_count) == (
        40_000,
        True,
        "playlist",
        "FI",
        1,
    )
    assert plays_flush() == 0


def test_live_figures_say_none_when_redis_cannot_be_read(song, clock, monkeypatch):
    import redis

    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(playlog, "redis_client", lambda: unreachable)

    assert playlog.live_figures(kind="track", ids=[song.pk]) is None


def test_a_private_session_leaves_nothing_in_the_log_or_the_database(song, clock):
    listener = UserFactory()
    _accept(listener, song, _token(listener, song, clock, private=True), 40_000, clock)
    assert _log_length() == 0

    # Gone private after the grant: the flush drops the report.
    later = UserFactory()
    _accept(later, song, _token(later, song, clock), 40_000, clock)
    later.profile.private_session = True
    later.profile.save()
    plays_flush()

    song.refresh_from_db()
    assert (Play.objects.count(), song.play_count) == (0, 0)


def test_live_figures_count_hours_listeners_sources_and_countries(song, clock):
    other = TrackMediaFactory(track__artist=song.artist).track
    users = UserFactory.create_batch(5)
    for index, user in enumerate(users):
        report = _report(uuid.uuid4(), user.pk, song if index < 3 else other, 40_000, started_at_ms=START_MS)
        play_log_append(report=report)
    earlier = _report(uuid.uuid4(), users[0].pk, song, 40_000, started_at_ms=START_MS - 2 * 3600_000)
    play_log_append(report=earlier)
    play_log_append(report=_report(uuid.uuid4(), users[1].pk, song, 10_000))  # not counted: under 30 s

    from datetime import UTC, datetime

    now = datetime.fromtimestamp(START_MS / 1000, tz=UTC)
    figures = playlog.live_figures(kind="track", ids=[song.pk, other.pk], hours=3, now=now)
    artist = playlog.live_figures(kind="artist", ids=[song.artist_id], hours=3, now=now)[song.artist_id]

    assert figures[song.pk].hourly == [1, 0, 3]
    assert (figures[song.pk].streams, figures[song.pk].listeners) == (4, 3)
    assert (figures[other.pk].streams, figures[other.pk].listeners, figures[other.pk].countries) == (2, 2, {"SE": 2})
    assert (artist.streams, artist.listeners, artist.sources) == (6, 5, {"album": 6})
