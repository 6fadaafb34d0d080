"""The play pipeline: a day of play reports accepted into the play log, flushed to the database in bulk.

    .venv/bin/python bench/bench_plays.py [--reports 1000000] [--threads 4] [--tracks 10000] [--artists 1000]
        [--listeners 50000] [--baseline 10000] [--seed 7]

Needs the services (``make services-up``): settings come from ``scripts/services.env``, with a
database of its own (``<name>_bench_plays``, made when missing, its play table emptied at each
run) and Redis database 15 (emptied at each run); ``DATABASE_URL`` and ``REDIS_URL`` in the
environment win.

1. Catalog: --artists artists, --tracks tracks (published, ready, 3 to 5 minutes long) and
   --listeners listeners, made once and reused by later runs with the same sizes.
2. A synthetic day: --reports reports of about --reports / 3 plays, each play a listener's
   listen of a track drawn by Zipf popularity (s = 1), granted at a random time of the last
   23 hours, reported at 15 s, at 30 s and at its end (some end before 30 s: skips, which never
   count). Every play's receipt is signed as a grant would sign it.
3. The accept side: --threads client threads call ``play_report_accept`` (checks and the append
   with its live counters, one Redis round trip) for every report, while a separate process
   flushes the play log as the periodic task does, in a loop. Printed: reports/s accepted,
   the SQL queries the accept side ran (CaptureQueriesContext in every client thread: it must
   be 0 per report), the lag from the last report to the live counters showing it and to the
   database holding it, and the database rows written per report (inserts and updates of the
   play table and of track rows, from PostgreSQL's own statistics).
4. Checks: the database's counted plays and play counts against the plays of the day that
   passed 30 s, the live counters' streams against them, and the live listeners (HyperLogLog)
   of the ten biggest artists against the exact count.
5. Baseline in the same run: the old path, one database write per report (``play_record``,
   the task every report ran before), on --baseline reports of other plays, with the same
   client threads: reports/s and rows written per report.

Figures only: nothing passes or fails on time. The machine's load average is printed before
and after. --reports 100000 makes a quick run (the figures are then of a smaller backlog).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOUR_MS = 3_600_000
REDIS_DATABASE = 15


def _environment() -> None:
    for line in (ROOT / "scripts" / "services.env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip())
    base = os.environ["DATABASE_URL"].rstrip("/")
    if not os.environ.get("BENCH_MAIN_DATABASE_URL"):
        head, _, name = base.rpartition("/")
        os.environ["BENCH_MAIN_DATABASE_URL"] = base
        os.environ["DATABASE_URL"] = f"{head}/{name}_bench_plays"
    if not os.environ.get("BENCH_REDIS_SET"):
        os.environ["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DATABASE}"
        os.environ["BENCH_REDIS_SET"] = "1"
    os.environ["CELERY_BROKER_URL"] = "memory://"  # nothing of the bench goes to a worker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")


def _database_ensure() -> None:
    import psycopg

    target = os.environ["DATABASE_URL"].rpartition("/")[2]
    main = os.environ["BENCH_MAIN_DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(main, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
            conn.execute(f'CREATE DATABASE "{target}"')


def _setup() -> None:
    _environment()
    _database_ensure()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


# ---------------------------------------------------------------- the flushing process


def flush_worker() -> None:
    """Flush the play log in a loop, as the periodic task would, until told to stop and the log is empty."""
    _setup()
    from core.scripts import redis_client
    from streaming import playlog
    from streaming.services.plays import plays_flush

    client = redis_client()
    assert client is not None, "the bench needs Redis (REDIS_URL)"
    stop = Path(sys.argv[sys.argv.index("--flush-worker") + 1])
    written = 0
    busy = 0.0
    while True:
        started = time.perf_counter()
        done = plays_flush(batch_size=5_000, max_batches=1)
        if done:
            busy += time.perf_counter() - started
            written += done
            continue
        if stop.exists() and client.xlen(playlog.stream_key()) == 0:
            break
        time.sleep(0.02)
    print(json.dumps({"written": written, "busy": busy}), flush=True)


# ---------------------------------------------------------------- the catalog and the day


def _catalog(artists: int, tracks: int, listeners: int) -> tuple[list[int], dict[int, int], list[int]]:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from catalog.models import Album, Artist, Track

    run = f"bench-plays-{artists}-{tracks}"
    if not Artist.objects.filter(slug__startswith=f"{run}-").exists():
        made = Artist.objects.bulk_create(Artist(name=f"Artist {n}", slug=f"{run}-{n}") for n in range(artists))
        albums = Album.objects.bulk_create(
            Album(artist=artist, title="LP", slug="lp", status=Album.Status.PUBLISHED) for artist in made
        )
        rng = random.Random(1)
        Track.objects.bulk_create(
            (
                Track(
                    title=f"Track {n}",
                    artist_id=albums[n % artists].artist_id,
                    album=albums[n % artists],
                    track_number=n // artists + 1,
                    duration_ms=rng.randrange(180_000, 300_000),
                    status=Track.Status.READY,
                    original=f"originals/bench/{run}-{n}.mp3",
                    original_filename=f"{n}.mp3",
                )
                for n in range(tracks)
            ),
            batch_size=5_000,
        )
    track_rows = list(
        Track.objects.filter(artist__slug__startswith=f"{run}-").order_by("pk").values_list("pk", "artist_id")
    )
    users = list(User.objects.filter(username__startswith="bench-listener-").values_list("pk", flat=True)[:listeners])
    if len(users) < listeners:
        password = make_password(None)
        User.objects.bulk_create(
            (
                User(
                    username=(name := f"bench-listener-{uuid.uuid4().hex[:12]}"),
                    email=f"{name}@bench.invalid",
                    password=password,
                )
                for _ in range(listeners - len(users))
            ),
            batch_size=5_000,
        )
        users = list(
            User.objects.filter(username__startswith="bench-listener-").values_list("pk", flat=True)[:listeners]
        )
    return [pk for pk, _ in track_rows], dict(track_rows), users


def _day(
    reports: int, tracks: list[int], durations: dict[int, int], users: list[int], rng: random.Random, now_ms: int
) -> tuple[list[tuple], list[tuple]]:
    """The plays (play id, user, track, granted at, final ms, ended) and their reports, in time order."""
    from streaming import receipts

    weights = list(accumulate(1 / rank for rank in range(1, len(tracks) + 1)))
    countries = ["SE", "US", "DE", "GB", "BR", "FR", "JP", "NO"]
    plays = []
    for _ in range((reports + 2) // 3):
        track = rng.choices(tracks, cum_weights=weights)[0]
        user = rng.choice(users)
        duration = durations[track]
        final = duration if rng.random() < 0.6 else rng.randrange(5_000, duration)
        granted = now_ms - rng.randrange(final + 60_000, 23 * HOUR_MS)  # every report before now
        token = receipts.play_receipt_sign(user_id=user, track_id=track, now_ms=granted, country=rng.choice(countries))
        plays.append((token, user, track, granted, final, final == duration))
    events = []
    for index, (_, _, _, granted, final, ended) in enumerate(plays):
        for at, last in ((min(15_000, final), False), (min(30_000, final), False), (final, True)):
            events.append((granted + at, index, at, ended and last))
    events.sort()
    return plays, events[:reports]


# ---------------------------------------------------------------- the runs


def _accept_run(plays: list[tuple], events: list[tuple], threads: int) -> tuple[float, int]:
    """Every report through ``play_report_accept`` from ``threads`` threads: seconds, SQL queries run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from streaming.services.plays import play_report_accept

    contexts = ["/albums/1/", "/playlists/2/", "/artists/a/", "/search/", "spotifyclone:radio:track:1", ""]
    queries = [0] * threads

    def client(number: int) -> None:
        with CaptureQueriesContext(connection) as captured:  # an error here stops the run: see the thread's traceback
            for _, index, ms, ended in events[number::threads]:
                token, user, track, *_ = plays[index]
                play_report_accept(
                    user=User(pk=user),
                    track_id=track,
                    ms_played=ms,
                    ended=ended,
                    play_token=token,
                    context=contexts[index % len(contexts)],
                )
        queries[number] = len(captured)
        connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, sum(queries)


def _baseline_run(plays: list[tuple], events: list[tuple], threads: int) -> float:
    """The old path: ``play_record`` for every report (one write a report), new play ids."""
    from django.db import connection

    from streaming.services.plays import play_record

    ids = {index: uuid.uuid4() for _, index, _, _ in events}

    def client(number: int) -> None:
        for _, index, ms, ended in events[number::threads]:
            _, user, track, granted, *_ = plays[index]
            play_record(
                play_id=ids[index], user_id=user, track_id=track, ms_played=ms, ended=ended, started_at_ms=granted
            )
        connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def _rows_written() -> int:
    """Rows inserted and updated so far in the play table's partitions and the track table (PostgreSQL's statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE 'streaming_play%%' OR relname = 'catalog_track'"
        )
        return int(cursor.fetchone()[0])


def _rows_settled(before: int) -> int:
    """The rows written since ``before``, once every backend's statistics have come in."""
    last, steady = -1, 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and steady < 3:
        now = _rows_written() - before
        steady = steady + 1 if now == last else 0
        last = now
        time.sleep(0.4)
    return last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--artists", type=int, default=1_000)
    parser.add_argument("--listeners", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    print(f"load average before: {_load()}")
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum

    from catalog.models import Track
    from core.scripts import redis_client
    from streaming import playlog, receipts
    from streaming.models import Play
    from streaming.selectors import track_playable

    threshold = settings.PLAY_COUNT_THRESHOLD_MS
    client = redis_client()
    if client is None:
        raise SystemExit("the bench needs Redis: REDIS_URL, from scripts/services.env")
    client.flushdb()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE streaming_play")
    started = time.perf_counter()
    tracks, artist_of, users = _catalog(args.artists, args.tracks, args.listeners)
    Track.objects.filter(pk__in=tracks).update(play_count=0)
    durations = {pk: ms or 240_000 for pk, ms in Track.objects.filter(pk__in=tracks).values_list("pk", "duration_ms")}
    print(
        f"catalog: {len(tracks)} tracks of {args.artists} artists, {len(users)} listeners "
        f"({time.perf_counter() - started:.1f} s)"
    )

    started = time.perf_counter()
    now_ms = receipts.clock_ms()
    day_end = datetime.fromtimestamp(now_ms / 1000, tz=UTC)  # the live figures' window: the day replayed
    rng = random.Random(args.seed)
    plays, events = _day(args.reports, tracks, durations, users, rng, now_ms)
    baseline_plays, baseline_events = _day(args.baseline, tracks, durations, users, rng, now_ms)
    for track in tracks:  # what a grant of each track has cached already: the checks' facts
        track_playable(track_id=track, user=None)  # type: ignore[arg-type]
    print(
        f"day: {len(events)} reports of {len(plays)} plays, receipts signed and track facts cached "
        f"({time.perf_counter() - started:.1f} s)"
    )

    stop = Path(f"/tmp/bench-plays-stop-{os.getpid()}")  # noqa: S108 - a flag file of this run
    stop.unlink(missing_ok=True)
    flusher = subprocess.Popen(  # this very script
        [sys.executable, __file__, "--flush-worker", str(stop)], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    rows_before = _rows_written()
    seconds, queries = _accept_run(plays, events, args.threads)
    accepted_at = time.perf_counter()
    _, last_index, last_ms, _ = events[-1]
    token = plays[last_index][0]
    last_play = receipts.play_receipt_read(token=token).play_id
    print(
        f"accept: {len(events)} reports in {seconds:.1f} s with {args.threads} client threads: "
        f"{len(events) / seconds:,.0f} reports/s ({seconds / len(events) * 1e6:.0f} us a report); "
        f"SQL queries on the accept side: {queries} ({queries / len(events):.3f} a report)"
    )

    counted_track = next(plays[i][2] for _, i, ms, _ in reversed(events) if ms >= threshold)
    live = playlog.live_figures(kind="track", ids=[counted_track])
    live_lag = time.perf_counter() - accepted_at
    print(f"lag to the live counters: {live_lag * 1000:.1f} ms (the next read shows it: {live is not None})")

    stop.touch()
    deadline = time.monotonic() + 600
    while not Play.objects.filter(pk=last_play, ms_played__gte=last_ms).exists():
        if flusher.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the last report never reached the database")
        time.sleep(0.01)
    db_lag = time.perf_counter() - accepted_at
    output, _ = flusher.communicate(timeout=600)
    stop.unlink(missing_ok=True)
    flushed = json.loads(output.strip().splitlines()[-1])
    rows = _rows_settled(rows_before)
    print(
        f"lag to the database: {db_lag:.2f} s from the last report (the flush ran throughout: "
        f"{flushed['written']} reports in {flushed['busy']:.1f} s of flushing, "
        f"{flushed['written'] / max(flushed['busy'], 1e-9):,.0f} reports/s written)"
    )
    print(f"database rows written: {rows} for {len(events)} reports: {rows / len(events):.3f} a report")

    expected = {i for _, i, ms, _ in events if ms >= threshold}
    counted = Play.objects.filter(counted=True).count()
    play_counts = Track.objects.filter(pk__in=tracks).aggregate(total=Sum("play_count"))["total"] or 0
    live_streams = 0
    for chunk in range(0, len(tracks), 1_000):
        figures = playlog.live_figures(kind="track", ids=tracks[chunk : chunk + 1_000], now=day_end) or {}
        live_streams += sum(figure.streams for figure in figures.values())
    print(
        f"check: plays past 30 s {len(expected)}, counted in the database {counted}, play counts {play_counts}, "
        f"live streams {live_streams}; rows {Play.objects.count()} for {len({i for _, i, _, _ in events})} plays"
    )
    by_artist: dict[int, set[int]] = {}
    for index in expected:
        _, user, track, *_ = plays[index]
        by_artist.setdefault(artist_of[track], set()).add(user)
    top = sorted(by_artist, key=lambda artist: -len(by_artist[artist]))[:10]
    live_artists = playlog.live_figures(kind="artist", ids=top, now=day_end) or {}
    errors = [abs(live_artists[a].listeners - len(by_artist[a])) / len(by_artist[a]) for a in top]
    print(
        f"listeners of the 10 biggest artists (HyperLogLog against exact): largest {len(by_artist[top[0]])} exact, "
        f"{live_artists[top[0]].listeners} live; error mean {sum(errors) / len(errors):.2%}, max {max(errors):.2%}"
    )

    rows_before = _rows_written()
    seconds_old = _baseline_run(baseline_plays, baseline_events, args.threads)
    rows_old = _rows_settled(rows_before)
    print(
        f"baseline, one write a report (play_record): {len(baseline_events)} reports in {seconds_old:.1f} s with "
        f"{args.threads} client threads: {len(baseline_events) / seconds_old:,.0f} reports/s; database rows written "
        f"{rows_old / len(baseline_events):.3f} a report"
    )
    print(
        f"ratio: accepted {(len(events) / seconds) / (len(baseline_events) / seconds_old):.1f}x the reports/s of the "
        f"old path, with {(rows / len(events)) / (rows_old / len(baseline_events)):.2f}x its rows per report"
    )
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    if "--flush-worker" in sys.argv:
        flush_worker()
    else:
        main()
