"""Search latency and indexing throughput, database backend next to OpenSearch, on one catalog.

    .venv/bin/python bench/bench_search.py [--tracks 100000] [--queries 40] [--rebuild] [--backends ...] [--keep]

Needs the services running (`bash scripts/services.sh up`): PostgreSQL and OpenSearch.
Settings come from scripts/services.env; variables already in the environment win. The
bench keeps to a database of its own (``<name>_bench_search`` beside the services
database, made when missing) and to indices of its own (prefix ``bench-search``), so it
never touches the data of the app or of the tests.

1. Catalog: --tracks tracks (100 000 by default; 1 000 000 on request), 10 to an album,
   2 albums to an artist, with names made from word lists (bands, people, accented
   names), genres, and play counts with a long tail. Written with bulk inserts, once: a
   later run reuses it unless --rebuild or --tracks differ.
2. Indexing: every search entry brought in line with the catalog (documents per second;
   only changed entries are written, so a second run measures a refresh and
   --rebuild-entries a first build), then the OpenSearch bulk build of a new index behind
   the alias (documents per second), as `manage.py search_reindex` does.
3. Queries: a fixed mix (seeded) of --queries queries in each of six kinds: exact title,
   prefix (half a word), one typo, two typos, an accented name typed without accents, and
   several words from artist and title. Each query asks for tracks, artists and albums,
   20 of each, straight from the backend (no query cache). Per backend and kind: p50 and
   p99 latency, queries per second from one client, and how often the entity the query
   was made from, or one with the very same name, is in the first ten results
   (recall@10). Then queries per second with four clients at once.

Beside the p99 over the whole mix the bench prints the goal at --tracks 1000000 (database
150 ms, OpenSearch 50 ms) and the machine's load average before and after each backend's
run: on a shared machine, compare runs by their load. --backends database (or opensearch)
measures one; --keep reuses the entries and the index when they are in place, so a second
run over the same catalog measures queries only. The queries that warm caches and
connections are drawn apart from the measured ones, so no measured query was asked before.

Figures only: nothing here passes or fails on time.
"""

import argparse
import os
import random
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDEX_PREFIX = "bench-search"
KINDS = ("track", "artist", "album")
# What the figures over the whole mix should meet at --tracks 1000000: p99 in ms, per backend.
GOALS_P99_MS = {"database": 150.0, "opensearch": 50.0}

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Iris",
    "Jonas",
    "Kira",
    "Leo",
    "Mara",
    "Nico",
    "Olga",
    "Paul",
    "Rosa",
    "Sami",
    "Tara",
    "Yann",
]
LAST = [
    "Berg",
    "Costa",
    "Dahl",
    "Ekström",
    "Fischer",
    "García",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
]
ACCENTED = [
    "Beyoncé",
    "Zoé",
    "José",
    "Björk",
    "Sigur",
    "Rós",
    "Mötley",
    "Amélie",
    "Renée",
    "Thalía",
    "Gaëlle",
    "Jürgen",
    "Søren",
    "Dvořák",
    "Łukasz",
    "Ñandú",
    "Émile",
    "Inês",
]
ADJECTIVES = [
    "Golden",
    "Silent",
    "Electric",
    "Broken",
    "Velvet",
    "Midnight",
    "Crimson",
    "Wild",
    "Hollow",
    "Distant",
    "Burning",
    "Frozen",
    "Neon",
    "Gentle",
    "Restless",
    "Secret",
    "Lonely",
    "Bright",
    "Paper",
    "Silver",
    "Northern",
    "Wandering",
    "Falling",
    "Endless",
    "Quiet",
    "Savage",
    "Lucky",
    "Empty",
    "Sacred",
]
NOUNS = [
    "River",
    "Heart",
    "Dream",
    "Highway",
    "Garden",
    "Ocean",
    "Fire",
    "Shadow",
    "Mirror",
    "Winter",
    "Summer",
    "Echo",
    "Harbour",
    "Mountain",
    "Thunder",
    "Rain",
    "Moon",
    "Star",
    "Letter",
    "Window",
    "Horizon",
    "Desert",
    "Forest",
    "Island",
    "Kingdom",
    "Machine",
    "Signal",
    "Diamond",
    "Lantern",
    "Compass",
    "Canyon",
    "Voyage",
]
BAND_NOUNS = [
    "Wolves",
    "Lights",
    "Beatels",
    "Foxes",
    "Kings",
    "Sisters",
    "Pilots",
    "Tigers",
    "Ghosts",
    "Strangers",
    "Giants",
    "Ravens",
]
GENRES = ["rock", "pop", "jazz", "electronic", "hip-hop", "classical", "folk", "metal", "soul", "reggae"]


class BenchError(Exception):
    pass


def services_environment() -> None:
    """scripts/services.env under whatever is already set, then a database and indices of the bench's own."""
    path = ROOT / "scripts" / "services.env"
    if not path.exists():
        raise BenchError(f"{path} is missing")
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.strip())
        if match:
            os.environ.setdefault(match[1], match[2])
    for name in ("DATABASE_URL", "OPENSEARCH_URL"):
        if not os.environ.get(name):
            raise BenchError(f"{name} is empty: the bench needs the services-mode settings of scripts/services.env")
    base = os.environ["DATABASE_URL"].rstrip("/")
    head, _, name = base.rpartition("/")
    os.environ["BENCH_MAIN_DATABASE_URL"] = base
    os.environ["DATABASE_URL"] = f"{head}/{name}_bench_search"
    os.environ["SEARCH_BACKEND"] = "opensearch"
    os.environ["SEARCH_INDEX_PREFIX"] = INDEX_PREFIX
    os.environ.pop("REDIS_URL", None)  # local-memory cache: nothing of the bench lands in the app's Redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")


def database_ensure() -> None:
    import psycopg

    target = os.environ["DATABASE_URL"].rpartition("/")[2]
    with psycopg.connect(
        os.environ["BENCH_MAIN_DATABASE_URL"].replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
            conn.execute(f'CREATE DATABASE "{target}"')


# ---------------------------------------------------------------- the catalog


def _artist_name(rng: random.Random, n: int) -> str:
    form = n % 5
    if form == 0:
        return f"The {rng.choice(ADJECTIVES)} {rng.choice(BAND_NOUNS)}"
    if form == 1:
        return f"{rng.choice(ACCENTED)} {rng.choice(LAST)}"
    if form == 2:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if form == 3:
        return f"{rng.choice(NOUNS)} {rng.choice(['Collective', 'Orchestra', 'Project', 'Trio', 'Club'])}"
    return f"{rng.choice(ACCENTED)} & the {rng.choice(BAND_NOUNS)}"


def _title(rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    if form == 1:
        return f"{rng.choice(NOUNS)} of the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    if form == 2:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(NOUNS)}"
    return f"Song for {rng.choice(FIRST)}"


def catalog_build(tracks: int, *, seed: int = 42) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Album, Artist, Genre, Track
    from search.models import SearchEntry

    rng = random.Random(seed)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_track_genres, catalog_track_featured_artists, catalog_album_genres, catalog_track, "
            "catalog_album, catalog_artistmembership, catalog_artist, catalog_genre, search_searchentry CASCADE"
        )
    genres = Genre.objects.bulk_create([Genre(name=slug.title(), slug=slug) for slug in GENRES])
    albums_count = max(1, tracks // 10)
    artists_count = max(1, albums_count // 2)
    now = timezone.now()
    with transaction.atomic():
        artists = Artist.objects.bulk_create(
            [Artist(name=_artist_name(rng, n), slug=f"bench-artist-{n}") for n in range(artists_count)], batch_size=5000
        )
        albums = Album.objects.bulk_create(
            [
                Album(
                    artist=artists[n // 2],
                    title=_title(rng),
                    slug=f"bench-album-{n}",
                    status=Album.Status.PUBLISHED,
                    published_at=now,
                    artwork="albums/bench.png",
                )
                for n in range(albums_count)
            ],
            batch_size=5000,
        )
        Album.genres.through.objects.bulk_create(
            [Album.genres.through(album_id=album.pk, genre_id=rng.choice(genres).pk) for album in albums],
            batch_size=5000,
        )
        for start in range(0, tracks, 20000):
            Track.objects.bulk_create(
                [
                    Track(
                        title=_title(rng),
                        artist=albums[n // 10].artist,
                        album=albums[n // 10],
                        track_number=n % 10 + 1,
                        duration_ms=rng.randint(120_000, 360_000),
                        status=Track.Status.READY,
                        original=f"originals/bench/{n}.mp3",
                        play_count=int(rng.paretovariate(1.2) * 10) - 10,
                    )
                    for n in range(start, min(tracks, start + 20000))
                ],
                batch_size=5000,
            )
            print(f"  catalog: {min(tracks, start + 20000):,} / {tracks:,} tracks", flush=True)
    assert SearchEntry.objects.count() == 0
    seconds = time.perf_counter() - started
    print(f"catalog: {artists_count:,} artists, {albums_count:,} albums, {tracks:,} tracks in {seconds:.1f} s")


# ---------------------------------------------------------------- the queries


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _typo(rng: random.Random, word: str, edits: int) -> str:
    letters = list(word)
    for _ in range(edits):
        at = rng.randrange(1, len(letters) - 1) if len(letters) > 2 else 0
        if rng.random() < 0.5 and at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]  # swap neighbours
        else:
            letters[at] = rng.choice("aeiourstln")  # a wrong letter
    return "".join(letters)


@dataclass
class BenchQuery:
    kind: str  # which of the six
    text: str
    target_kind: str
    target_id: int


def queries_make(per_kind: int, *, seed: int = 7) -> list[BenchQuery]:
    from catalog.models import Artist, Track

    rng = random.Random(seed)
    # The same queries on every run over the same catalog: sampled with a seed, not ORDER BY random().
    track_ids = rng.sample(sorted(Track.objects.values_list("pk", flat=True)), per_kind * 4)
    found = Track.objects.select_related("artist").in_bulk(track_ids)
    tracks = [found[pk] for pk in track_ids]
    accented_ids = sorted(Artist.objects.filter(name__regex=r"[^\x00-\x7f]").values_list("pk", flat=True))
    accented = list(Artist.objects.filter(pk__in=rng.sample(accented_ids, min(per_kind, len(accented_ids)))))
    made: list[BenchQuery] = []
    for track in tracks[:per_kind]:
        made.append(BenchQuery("exact", track.title, "track", track.pk))
    for track in tracks[per_kind : 2 * per_kind]:
        first, *rest = track.title.split()
        made.append(BenchQuery("prefix", f"{first} {rest[0][:3]}" if rest else first[:4], "track", track.pk))
    for track in tracks[2 * per_kind : 3 * per_kind]:
        artist = track.artist
        longest = max(artist.name.split(), key=len)
        edits = 1
        made.append(
            BenchQuery("one-typo", artist.name.replace(longest, _typo(rng, longest, edits)), "artist", artist.pk)
        )
    for track in tracks[3 * per_kind : 4 * per_kind]:
        words = track.title.split()
        longest = max(words, key=len)
        made.append(BenchQuery("two-typo", track.title.replace(longest, _typo(rng, longest, 2)), "track", track.pk))
    for artist in accented:
        made.append(BenchQuery("accent-free", _fold(artist.name).lower(), "artist", artist.pk))
    for track in tracks[:per_kind]:
        made.append(BenchQuery("multi-word", f"{track.artist.name.split()[-1]} {track.title}", "track", track.pk))
    return made


# ---------------------------------------------------------------- measuring


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _found(query: BenchQuery, ids: list[int]) -> bool:
    """The target, or one of the same name (a query cannot tell them apart), among these results."""
    from search.models import SearchEntry

    if query.target_id in ids:
        return True
    names = SearchEntry.objects.filter(kind=query.target_kind, object_id__in=[query.target_id, *ids])
    folded = dict(names.values_list("object_id", "folded"))
    return folded.get(query.target_id) in {folded.get(pk) for pk in ids}


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def run_backend(
    name: str,
    search: Callable[[Any], dict[str, Any]],
    queries: list[BenchQuery],
    warm_up: list[BenchQuery],
    goal: float,
) -> None:
    from search.backends import Query

    # Warm caches and connections with queries of the same kinds that are not measured, so that no
    # measured query has been asked before (OpenSearch's caches would answer it).
    for query in warm_up:
        search(Query(text=query.text, kinds=KINDS))
    print(f"\n{name} (load average {_load()} before)")
    print(f"  {'query kind':<12} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'q/s':>7} {'recall@10':>10}")
    every: list[float] = []
    for kind in dict.fromkeys(q.kind for q in queries):
        mine = [q for q in queries if q.kind == kind]
        latencies, found = [], 0
        for query in mine:
            started = time.perf_counter()
            hits = search(Query(text=query.text, kinds=KINDS))
            latencies.append(time.perf_counter() - started)
            found += _found(query, hits[query.target_kind].ids[:10])
        every += latencies
        p50, p99 = _percentile(latencies, 0.5) * 1000, _percentile(latencies, 0.99) * 1000
        rate, recall = len(mine) / sum(latencies), found / len(mine)
        print(f"  {kind:<12} {len(mine):>4} {p50:>8.1f} {p99:>8.1f} {rate:>7.1f} {recall:>10.0%}")
    p99 = _percentile(every, 0.99) * 1000
    print(
        f"  {'all':<12} {len(every):>4} {_percentile(every, 0.5) * 1000:>8.1f} {p99:>8.1f}"
        f" {len(every) / sum(every):>7.1f}   p99 goal at 1 000 000 tracks: <= {goal:.0f} ms"
        f" ({'met' if p99 <= goal else 'not met'})"
    )
    print(f"  4 clients at once: {_concurrent(search, queries, clients=4):.1f} q/s (load average {_load()} after)")


def _concurrent(search: Callable[[Any], dict[str, Any]], queries: list[BenchQuery], *, clients: int) -> float:
    from django.db import connection

    from search.backends import Query

    def work(share: list[BenchQuery]) -> None:
        try:
            for query in share:
                search(Query(text=query.text, kinds=KINDS))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(queries[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return len(queries) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind (six kinds)")
    parser.add_argument("--rebuild", action="store_true", help="make the catalog again even when it is there")
    parser.add_argument(
        "--rebuild-entries", action="store_true", help="empty the search entries first (a first build, not a refresh)"
    )
    parser.add_argument(
        "--backends", default="database,opensearch", help="which to measure, comma-separated (database, opensearch)"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the entries and the index when they are in place (as search_bootstrap decides): queries only",
    )
    args = parser.parse_args()
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if unknown := set(backends) - set(GOALS_P99_MS):
        raise BenchError(f"unknown backends: {', '.join(sorted(unknown))}")

    services_environment()
    database_ensure()
    import logging

    import django

    django.setup()
    for noisy in ("opensearch", "urllib3", "kombu"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from django.core.management import call_command

    from catalog.models import Track
    from search.backends.database import DatabaseBackend
    from search.backends.opensearch import OpenSearchBackend
    from search.bootstrap import entries_missing, index_bootstrap
    from search.client import opensearch_client
    from search.models import SearchEntry
    from search.rebuild import RebuildReport, entries_rebuild, index_rebuild

    if "opensearch" in backends:
        opensearch_client().cluster.health(request_timeout=5)
    call_command("migrate", verbosity=0)
    if args.rebuild or Track.objects.count() != args.tracks:
        catalog_build(args.tracks)

    if args.rebuild_entries:
        SearchEntry.objects.all().delete()
    if args.keep and not entries_missing():
        print("entries: in place, not measured (--keep)")
    else:
        started = time.perf_counter()
        read, written, _ = entries_rebuild()
        seconds = time.perf_counter() - started
        rate = read / seconds
        print(f"entries: {read:,} documents read, {written:,} entries written in {seconds:.1f} s ({rate:,.0f} docs/s)")
    if "opensearch" in backends:
        started = time.perf_counter()
        if args.keep:
            # Built again, behind the alias, when it was made from another mapping version than this code's.
            built = index_bootstrap()
            seconds = time.perf_counter() - started
            print(f"opensearch index: {f'built in {seconds:.1f} s' if built else 'in place, not measured (--keep)'}")
        else:
            report = RebuildReport()
            index_rebuild(report=report)
            print(
                f"opensearch bulk: {report.indexed:,} documents into {report.index} in {report.seconds['bulk']:.1f} s"
                f" ({report.indexed / report.seconds['bulk']:,.0f} docs/s), merged into one segment in"
                f" {report.seconds['merge']:.1f} s; {time.perf_counter() - started:.1f} s in all"
            )

    queries = queries_make(args.queries)
    measured = {query.text for query in queries}
    warm_up = [query for query in queries_make(4, seed=8) if query.text not in measured]
    print(f"queries: {len(queries)} measured, {len(warm_up)} others to warm up; load average {_load()}")
    if "database" in backends:
        run_backend(
            "database backend (PostgreSQL: full text, typos from the vocabulary)",
            DatabaseBackend().search,
            queries,
            warm_up,
            GOALS_P99_MS["database"],
        )
    if "opensearch" in backends:
        opensearch = OpenSearchBackend(fallback=DatabaseBackend())

        def strict(query: Any) -> dict[str, Any]:
            hits = opensearch.search(query)
            if opensearch._skip_until:
                raise BenchError("OpenSearch did not answer: the figures would be the database's")
            return hits  # type: ignore[return-value]

        run_backend("opensearch backend", strict, queries, warm_up, GOALS_P99_MS["opensearch"])


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench_search: {exc}")
