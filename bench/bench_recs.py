"""Recommendations: hit rate and NDCG at 10 against a most-popular baseline, on planted listening histories.

    .venv/bin/python bench/bench_recs.py [--listeners 2000] [--groups 8] [--plays 40] [--holdout 5] [--seed 7]

Runs in a temporary SQLite database by default, or in the database DATABASE_URL names when it
is set (it then adds its own rows and leaves them). The cache is local memory.

1. Catalog: --groups taste groups, each with its own artists (6 of them, 10 tracks each, one
   genre a group), and 10 artists of hits (4 tracks each) that every group plays.
2. Listeners: --listeners, each in one group. Each plays --plays distinct tracks in sessions
   a few minutes apart (a day between sessions): about one in seven of them hits, drawn by popularity,
   the rest from their group's tracks, with a few from anywhere. The last --holdout plays of
   each listener are held out; the rest are written to the play table as counted plays, and
   the tracks' play counts are the held-in plays.
3. The periodic computation runs once over the held-in plays (its time and plays per second
   printed). Then for every listener, top 10 of the recommender (its list made afresh, as
   the periodic task makes it) and of the baseline (the most played tracks the listener has
   not played yet), scored against their held-out plays: hit rate at 10 (the share of
   listeners with at least one held-out track in their ten) and NDCG at 10.

The last line is ``hit_rate_at_10 recommender=R popularity=P``. Figures only: nothing here
passes or fails on time.
"""

import argparse
import math
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTISTS_PER_GROUP = 6
TRACKS_PER_ARTIST = 10
HIT_ARTISTS = 10
TRACKS_PER_HIT_ARTIST = 4
HIT_SHARE = 0.15
NOISE_SHARE = 0.05
SESSION = 8


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="bench-recs-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ["MEDIA_ROOT"] = folder
    os.environ.pop("REDIS_URL", None)  # local memory: the bench measures the model, not the cache
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _catalog(groups: int, run: str) -> tuple[list[list[int]], list[int], dict[int, int]]:
    """Each group's tracks, the hits, and each track's artist."""
    from catalog.models import Album, Artist, Genre, Track

    def artist_with_tracks(name: str, genre: Genre, count: int) -> list[Track]:
        artist = Artist.objects.create(name=name, slug=f"{run}-{name}".lower().replace(" ", "-"))
        album = Album.objects.create(
            artist=artist, title=f"{name} LP", slug="lp", status=Album.Status.PUBLISHED, published_at=None
        )
        album.genres.add(genre)
        return Track.objects.bulk_create(
            Track(
                title=f"{name} {n}",
                artist=artist,
                album=album,
                track_number=n + 1,
                duration_ms=200_000,
                status=Track.Status.READY,
                original=f"originals/bench/{run}-{name}-{n}.mp3",
            )
            for n in range(count)
        )

    group_tracks: list[list[int]] = []
    artist_of: dict[int, int] = {}
    for group in range(groups):
        genre = Genre.objects.create(name=f"{run} Genre {group}", slug=f"{run}-genre-{group}")
        mine: list[int] = []
        for n in range(ARTISTS_PER_GROUP):
            for track in artist_with_tracks(f"G{group} Artist {n}", genre, TRACKS_PER_ARTIST):
                mine.append(track.pk)
                artist_of[track.pk] = track.artist_id
        group_tracks.append(mine)
    pop = Genre.objects.create(name=f"{run} Pop", slug=f"{run}-pop")
    hits: list[int] = []
    for n in range(HIT_ARTISTS):
        for track in artist_with_tracks(f"Hit Artist {n}", pop, TRACKS_PER_HIT_ARTIST):
            hits.append(track.pk)
            artist_of[track.pk] = track.artist_id
    return group_tracks, hits, artist_of


def _draw(rng: random.Random, items: list[int], weights: list[float], taken: set[int]) -> int:
    for _ in range(50):
        item = rng.choices(items, weights)[0]
        if item not in taken:
            return item
    return rng.choice([i for i in items if i not in taken])


def _histories(
    rng: random.Random, listeners: int, plays: int, group_tracks: list[list[int]], hits: list[int]
) -> list[list[int]]:
    """Each listener's distinct tracks in the order played."""
    everything = [t for tracks in group_tracks for t in tracks]
    hit_weights = [1 / (1 + rank) ** 0.8 for rank in range(len(hits))]
    group_weights = []
    for tracks in group_tracks:  # each group's favourites: its tracks in an order of its own
        weights = [1 / (1 + rank) ** 0.8 for rank in range(len(tracks))]
        rng.shuffle(weights)
        group_weights.append(weights)
    histories = []
    for listener in range(listeners):
        group = listener % len(group_tracks)
        mine = group_tracks[group]
        taken: set[int] = set()
        history = []
        for _ in range(plays):
            roll = rng.random()
            if roll < HIT_SHARE:
                track = _draw(rng, hits, hit_weights, taken)
            elif roll < HIT_SHARE + NOISE_SHARE:
                track = _draw(rng, everything, [1.0] * len(everything), taken)
            else:
                track = _draw(rng, mine, group_weights[group], taken)
            taken.add(track)
            history.append(track)
        histories.append(history)
    return histories


def _ndcg(ranked: list[int], held: set[int]) -> float:
    dcg = sum(1 / math.log2(place + 2) for place, track in enumerate(ranked[:10]) if track in held)
    ideal = sum(1 / math.log2(place + 2) for place in range(min(len(held), 10)))
    return dcg / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listeners", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--plays", type=int, default=40, help="distinct tracks each listener plays")
    parser.add_argument("--holdout", type=int, default=5, help="last plays of each listener held out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (1 <= args.listeners <= 100_000 and 2 <= args.groups <= 100 and args.holdout < args.plays <= 200):
        parser.error("--listeners 1..100000, --groups 2..100, --holdout below --plays, --plays at most 200")
    _setup()

    from django.contrib.auth.hashers import make_password
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Track
    from recommendations.selectors import listener_track_ids
    from recommendations.services import neighbours_compute
    from streaming.models import Play

    rng = random.Random(args.seed)
    run = f"b{int(time.time())}"
    load_before = os.getloadavg()
    started = time.perf_counter()
    group_tracks, hits, _ = _catalog(args.groups, run)
    histories = _histories(rng, args.listeners, args.plays, group_tracks, hits)
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"{run}-{n}", email=f"{run}-{n}@example.com", password=password) for n in range(args.listeners)
    )
    now = timezone.now()
    held_in: dict[int, int] = {}
    held_out: list[set[int]] = []
    rows = []
    for user, history in zip(users, histories, strict=True):
        train, test = history[: -args.holdout], history[-args.holdout :]
        held_out.append(set(test))
        first = now - timedelta(days=60) + timedelta(minutes=rng.randrange(60 * 24 * 20))
        for place, track in enumerate(train):
            at = first + timedelta(days=place // SESSION, minutes=4 * (place % SESSION))
            rows.append(Play(user=user, track_id=track, started_at=at, ms_played=200_000, counted=True, ended=True))
            held_in[track] = held_in.get(track, 0) + 1
    Play.objects.bulk_create(rows, batch_size=5000)
    for track, count in held_in.items():
        Track.objects.filter(pk=track).update(play_count=F("play_count") + count)
    print(
        f"history: {args.listeners} listeners in {args.groups} groups, {len(rows)} plays held in, "
        f"{args.holdout} held out each, {sum(map(len, group_tracks)) + len(hits)} tracks "
        f"({time.perf_counter() - started:.1f} s to write)"
    )

    figures = neighbours_compute(now=now + timedelta(minutes=1))
    per_second = figures.plays_read / figures.seconds
    per_play_us = figures.seconds / figures.plays_read * 1e6
    print(
        f"periodic computation: {figures.seconds:.2f} s for {figures.plays_read} plays of {figures.listeners} "
        f"listeners ({per_second:,.0f} plays/s, {per_play_us:.1f} us a play); "
        f"{figures.track_pairs} track and {figures.artist_pairs} artist neighbour rows"
    )

    everyone = [pk for pk, _ in sorted(held_in.items(), key=lambda row: (-row[1], row[0]))]
    hits_rec = hits_pop = 0
    ndcg_rec = ndcg_pop = 0.0
    started = time.perf_counter()
    for user, history, held in zip(users, histories, held_out, strict=True):
        heard = set(history[: -args.holdout])
        ranked = listener_track_ids(user_id=user.pk, refresh=True)[:10]
        popular = [pk for pk in everyone if pk not in heard][:10]
        hits_rec += bool(held & set(ranked))
        hits_pop += bool(held & set(popular))
        ndcg_rec += _ndcg(ranked, held)
        ndcg_pop += _ndcg(popular, held)
    per_listener_ms = (time.perf_counter() - started) / args.listeners * 1000
    count = args.listeners
    load_after = os.getloadavg()
    print(f"listener lists: {per_listener_ms:.1f} ms each, made afresh (recommender and baseline)")
    print(f"ndcg_at_10 recommender={ndcg_rec / count:.4f} popularity={ndcg_pop / count:.4f}")
    print(f"ratio: hit rate {hits_rec / max(hits_pop, 1):.2f}x, ndcg {ndcg_rec / max(ndcg_pop, 1e-9):.2f}x")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print(f"hit_rate_at_10 recommender={hits_rec / count:.4f} popularity={hits_pop / count:.4f}")


if __name__ == "__main__":
    main()
