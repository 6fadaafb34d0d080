"""What a device asking for the playback state costs: unchanged (304), changed (200), and a report.

    .venv/bin/python bench/bench_player.py [--requests 2000]

Every open player asks for the state once a second, so this is the request the
player's design rests on (docs/player.md). The bench runs through the whole
Django stack in-process (middleware, session, authentication, throttling, the
view) with Django's test client, against a fresh SQLite database of its own
under a temporary folder, and the cache the environment names: local memory by
default, Redis when REDIS_URL is set (under a key prefix of its own). It prints
the time per request and the SQL queries per request.

Figures only: nothing here passes or fails on time.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-player-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = folder
    os.environ["API_THROTTLE_USER"] = "100000000/minute"  # throttling runs; it just never refuses
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.CACHES["default"]["KEY_PREFIX"] = "bench-player"

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from catalog.models import Album, Artist, Track

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="bench", email="bench@example.com")
    artist = Artist.objects.create(name="Bench", slug="bench")
    album = Album.objects.create(artist=artist, title="Bench", slug="bench", status=Album.Status.PUBLISHED)
    tracks = [
        Track.objects.create(
            title=f"Track {n}",
            artist=artist,
            album=album,
            track_number=n,
            duration_ms=200_000,
            status=Track.Status.READY,
            original=f"originals/bench/{n}.flac",
        ).pk
        for n in range(1, 51)
    ]
    client = Client()
    client.force_login(user)
    device = "bench-device-0001"
    client.post("/api/v1/me/player/devices/", {"id": device, "name": "Bench"}, content_type="application/json")
    state = client.put(
        "/api/v1/me/player/play/", {"device_id": device, "tracks": tracks}, content_type="application/json"
    ).json()

    cache_name = "Redis" if settings.REDIS_URL else "local memory"
    print(f"player state polling: {args.requests} requests each, SQLite, {cache_name} cache, in-process")
    cases = [
        ("poll, unchanged (304)", f"/api/v1/me/player/?version={state['version']}&device_id={device}", 304),
        ("poll, changed (200)", f"/api/v1/me/player/?device_id={device}", 200),
    ]
    for label, url, expected in cases:
        for _ in range(100):
            assert client.get(url).status_code == expected
        times = []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(args.requests):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        print(
            f"  {label:<24} p50 {statistics.median(times) * 1e3:6.2f} ms   "
            f"p99 {statistics.quantiles(times, n=100)[98] * 1e3:6.2f} ms   "
            f"{len(queries) / args.requests:.2f} queries/request"
        )

    times = []
    version = client.get(f"/api/v1/me/player/?device_id={device}").json()["version"]
    with CaptureQueriesContext(connection) as queries:
        for position in range(args.requests // 4):
            started = time.perf_counter()
            answer = client.put(
                "/api/v1/me/player/state/",
                {"device_id": device, "position_ms": position, "is_playing": True, "version": version},
                content_type="application/json",
            )
            times.append(time.perf_counter() - started)
            version = answer.json()["version"]
    print(
        f"  {'report (PUT state)':<24} p50 {statistics.median(times) * 1e3:6.2f} ms   "
        f"p99 {statistics.quantiles(times, n=100)[98] * 1e3:6.2f} ms   "
        f"{len(queries) / len(times):.2f} queries/request"
    )


if __name__ == "__main__":
    main()
