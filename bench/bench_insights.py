"""Insights: what the roll-up costs on a year of plays, and the distinct listeners of each window.

    .venv/bin/python bench/bench_insights.py [--plays 1000000] [--listeners 50000] [--tracks 5000] [--rounds 3]

Needs PostgreSQL (the services' settings of scripts/services.env; DATABASE_URL in the environment
wins). Keeps to a database of its own (the main one's name with ``_bench_insights``, made when
missing) and reuses its rows on later runs with the same counts.

1. A catalog of --tracks tracks (25 to an artist), --listeners listeners, and --plays plays
   spread evenly over the last 365 days into the play table's monthly partitions, four in five
   of them counted, the tracks' popularity skewed (a few hits, a long tail); likes and playlist
   items (one for every ten plays each) added over the same year.
2. Each window of listeners (7, 28, 365 days) counted as the roll-up counts it, --rounds times:
   the time of its two grouped queries and of replacing its rows, the rows written, and which
   partitions PostgreSQL read (EXPLAIN). Then what the periodic roll-up does every 10 minutes
   (two days of day rows, and the listeners of 7 and 28 days), and the likes' and playlist items'
   query of the roll-up with and without their ``added_at`` index (dropped in a transaction
   rolled back: the bench database only).

Prints the machine's load average before each part. Figures only: nothing passes or fails on time.
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRACKS_PER_ARTIST = 25
SUFFIX = "_bench_insights"
UNUSABLE = "!"  # as Django marks a password nobody can sign in with


def _setup() -> None:
    env = ROOT / "scripts" / "services.env"
    for line in env.read_text().splitlines():
        match = re.match(r"^([A-Z_]+)=(.*)$", line)
        if match and match[1] == "DATABASE_URL":
            os.environ.setdefault(match[1], match[2])
    base = os.environ["DATABASE_URL"].rstrip("/")
    if not base.startswith("postgres"):
        sys.exit("bench_insights needs PostgreSQL: the play table is partitioned there")
    head, _, name = base.rpartition("/")
    target = name if name.endswith(SUFFIX) else f"{name}{SUFFIX}"
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
            conn.execute(f'CREATE DATABASE "{target}"')
    os.environ["DATABASE_URL"] = f"{head}/{target}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def _seed(*, plays: int, listeners: int, tracks: int, now: datetime) -> datetime:
    """Seed the rows unless an earlier run left the same counts: the time the plays are counted back from."""
    from django.db import connection, transaction

    from accounts.models import User
    from catalog.models import Album, Artist, Track
    from playlists.models import Playlist
    from streaming.models import Play
    from streaming.services.partitions import play_partition_ensure

    wanted = f"{plays}/{listeners}/{tracks}"
    marker = Artist.objects.filter(slug="bench-insights-0").values_list("name", flat=True).first() or ""
    if marker.startswith(f"{wanted} ") and Play.objects.exists():
        seeded = datetime.fromisoformat(marker.partition(" ")[2])
        print(f"catalog and plays kept from an earlier run ({wanted}, plays up to {seeded:%Y-%m-%d %H:%M} UTC)")
        return seeded
    started = time.perf_counter()
    with transaction.atomic():
        Play.objects.all().delete()
        Playlist.objects.all().delete()
        Artist.objects.filter(slug__startswith="bench-insights-").delete()
        User.objects.filter(username__startswith="bench-insights-").delete()
        users = User.objects.bulk_create(
            [
                User(username=f"bench-insights-{n}", email=f"bench-insights-{n}@example.com", password=UNUSABLE)
                for n in range(listeners)
            ],
            batch_size=5000,
        )
        artists = Artist.objects.bulk_create(
            [
                Artist(name=f"Bench artist {n}", slug=f"bench-insights-{n}")
                for n in range(-(-tracks // TRACKS_PER_ARTIST))
            ]
        )
        albums = Album.objects.bulk_create(
            [Album(artist=a, title="LP", slug="lp", status=Album.Status.PUBLISHED) for a in artists]
        )
        Track.objects.bulk_create(
            [
                Track(
                    title=f"Track {n}",
                    artist=artists[n // TRACKS_PER_ARTIST],
                    album=albums[n // TRACKS_PER_ARTIST],
                    track_number=n % TRACKS_PER_ARTIST + 1,
                    duration_ms=200_000,
                    status=Track.Status.READY,
                    original=f"originals/bench/{n}.mp3",
                )
                for n in range(tracks)
            ],
            batch_size=5000,
        )
        Playlist.objects.bulk_create(
            [Playlist(owner=users[n], name=f"Mix {n}") for n in range(0, listeners, max(1, listeners // 2000))]
        )
    month = (now - timedelta(days=366)).date().replace(day=1)
    while month <= now.date():
        play_partition_ensure(month=month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE username LIKE 'bench-insights-%%'", [])
        user_min, user_max = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM catalog_track WHERE original LIKE 'originals/bench/%%'", [])
        track_min, track_max = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM playlists_playlist")
        list_min, list_max = cursor.fetchone()
        # A track drawn as min + span * r^3: a few hits, a long tail.
        pick_user = f"{user_min} + floor(random() * {user_max - user_min + 1})::int"
        pick_track = f"{track_min} + floor(power(random(), 3) * {track_max - track_min + 1})::int"
        cursor.execute(
            "INSERT INTO streaming_play (id, user_id, track_id, started_at, ms_played, counted, ended, source, "  # noqa: S608
            "country, updated_at) "
            f"SELECT gen_random_uuid(), {pick_user}, {pick_track}, %s - random() * interval '365 days', "
            "60000, random() < 0.8, false, 'album', 'FR', %s FROM generate_series(1, %s)",
            [now, now, plays],
        )
        cursor.execute(
            "INSERT INTO playlists_likedtrack (user_id, track_id, added_at) "  # noqa: S608
            f"SELECT {pick_user}, {pick_track}, %s - random() * interval '365 days' FROM generate_series(1, %s) "
            "ON CONFLICT DO NOTHING",
            [now, plays // 10],
        )
        cursor.execute(
            "INSERT INTO playlists_playlistitem (playlist_id, track_id, position, track_title, artist_name, "  # noqa: S608
            "added_at) "
            f"SELECT {list_min} + n %% {list_max - list_min + 1}, {pick_track}, n, 'Track', 'Bench', "
            "%s - random() * interval '365 days' FROM generate_series(1, %s) AS n",
            [now, plays // 10],
        )
        cursor.execute("ANALYZE")
    # Marked last: a run stopped half-way seeds again.
    Artist.objects.filter(slug="bench-insights-0").update(name=f"{wanted} {now.isoformat()}")
    print(f"seeded {wanted} (plays/listeners/tracks) in {time.perf_counter() - started:.1f} s")
    return now


def _partitions_read(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    months = sorted(set(re.findall(r"streaming_play_p(\d{4}_\d{2})", plan)))
    default = " + default" if "streaming_play_default" in plan else ""
    return f"{len(months)} monthly partitions ({months[0]} to {months[-1]}){default}" if months else plan


def _windows(*, rounds: int, now: datetime) -> None:
    from django.db.models import Count

    from insights.models import ArtistListeners, TrackListeners
    from insights.periods import day_start
    from insights.services import insights_listeners_rollup
    from streaming.models import Play

    for days in (7, 28, 365):
        print(f"\n{days} days (load average {_load()} before)")
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            figures = insights_listeners_rollup(windows=(days,), now=now)
            timings.append(time.perf_counter() - started)
        first = day_start((now - timedelta(days=days - 1)).astimezone(UTC).date())
        counted = Play.objects.filter(counted=True, started_at__gte=first, started_at__lte=now)
        plays = counted.count()
        sql, params = (
            counted.values("track_id").annotate(n=Count("user_id", distinct=True)).order_by().query.sql_with_params()
        )
        artist = ArtistListeners.objects.filter(days=days).order_by("-listeners").values_list("listeners", flat=True)
        track = TrackListeners.objects.filter(days=days).order_by("-listeners").values_list("listeners", flat=True)
        print(
            f"  counted plays in the window: {plays}; rows: {figures.track_rows} tracks, {figures.artist_rows} artists;"
            f" most listeners: a track {track.first()}"
            f", an artist {artist.first()}"
        )
        print(
            f"  count and replace: median {statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms"
            f" over {rounds}; {plays / min(timings) / 1e6:.2f} M plays/s"
        )
        print(f"  read: {_partitions_read(sql, params)}")


def _periodic(*, rounds: int, now: datetime) -> None:
    from insights.services import insights_days_rollup, insights_listeners_rollup

    print(f"\nthe periodic roll-up, every 10 minutes (load average {_load()} before)")
    days, listeners = [], []
    today = now.astimezone(UTC).date()
    for _ in range(rounds):
        started = time.perf_counter()
        insights_days_rollup(first_day=today - timedelta(days=1), last_day=today)
        days.append(time.perf_counter() - started)
        started = time.perf_counter()
        insights_listeners_rollup(windows=(7, 28), now=now)
        listeners.append(time.perf_counter() - started)
    print(f"  two days of day rows: median {statistics.median(days) * 1000:.0f} ms")
    print(f"  listeners of 7 and 28 days: median {statistics.median(listeners) * 1000:.0f} ms")
    print("  (and once a day, the listeners of 365 days above)")


def _added_at(*, now: datetime) -> None:
    from django.db import connection, transaction
    from django.db.models import Count

    from playlists.models import LikedTrack, PlaylistItem

    print(f"\nlikes and playlist items of two days, the roll-up's query (load average {_load()} before)")
    start = now - timedelta(days=2)
    for model, index in ((LikedTrack, "playlists_liked_added_idx"), (PlaylistItem, "playlists_item_added_idx")):
        query = (
            model.objects.filter(added_at__gte=start, added_at__lt=now, track__isnull=False)
            .values("track_id", "track__artist_id")
            .annotate(count=Count("id"))
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        for label in ("with the index", "without it"):
            with transaction.atomic(), connection.cursor() as cursor:
                if label == "without it":
                    cursor.execute(f"DROP INDEX {index}")
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0][0]
                transaction.set_rollback(True)
            scans = sorted(set(re.findall(r'"Node Type": "([^"]*Scan)"', str(plan).replace("'", '"'))))
            found = re.findall(r"'Node Type': '([A-Za-z ]*Scan)', [^}]*?'Relation Name': '(\w+)'", str(plan))
            on_table = [node for node, relation in found if relation == model._meta.db_table] or scans
            print(f"  {model._meta.db_table} {label}: {plan['Execution Time']:.1f} ms ({', '.join(on_table)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plays", type=int, default=1_000_000)
    parser.add_argument("--listeners", type=int, default=50_000)
    parser.add_argument("--tracks", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _setup()
    from django.utils import timezone

    now = timezone.now()
    print(f"load average {_load()} at the start; {os.cpu_count()} CPUs")
    now = _seed(plays=args.plays, listeners=args.listeners, tracks=args.tracks, now=now)
    _windows(rounds=args.rounds, now=now)
    _periodic(rounds=args.rounds, now=now)
    _added_at(now=now)


if __name__ == "__main__":
    main()
