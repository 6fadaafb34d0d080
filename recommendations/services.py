"""The periodic computation of the model, and the refresh of active listeners' lists.

``neighbours_compute`` reads the counted plays of a bounded window once, ordered by listener
and time. For each listener it keeps their latest ``per_listener`` plays, and pairs each play
with the distinct items heard in the ``span`` plays before it within ``session_gap``: "close
together in time". A pair counts once per listener, an item once per listener, so the counts
are over listeners, and each pair is scored by its normalised pointwise mutual information,
which weighs it against the popularity of both items (a hit everybody plays is a weak
neighbour of everything). The work is linear in the plays read: at most ``span`` pairs per play.
"""

import math
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.db import transaction
from django.utils import timezone

from recommendations.keys import generation_bump
from recommendations.models import ModelRun, Neighbour
from streaming.models import Play

WINDOW = timedelta(days=90)
SESSION_GAP = timedelta(hours=6)
SPAN = 8
PER_LISTENER = 500
TOP_K = 50
MIN_LISTENERS = 2
RUNS_KEPT = 30


@dataclass(frozen=True)
class RunFigures:
    plays_read: int
    listeners: int
    track_pairs: int
    artist_pairs: int
    seconds: float


def _plays(since: datetime) -> Iterator[tuple[int, int, int, datetime]]:
    rows = (
        Play.objects.filter(counted=True, started_at__gte=since)
        .order_by("user_id", "started_at")
        .values_list("user_id", "track_id", "track__artist_id", "started_at")
    )
    return rows.iterator(chunk_size=5000)


def _pairs_of(
    plays: list[tuple[int, datetime]], *, span: int, session_gap: timedelta
) -> tuple[set[int], set[tuple[int, int]]]:
    """The items and the (smaller id, larger id) pairs of one listener's plays, oldest first."""
    items: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    recent: list[tuple[int, datetime]] = []
    for item, at in plays:
        items.add(item)
        if recent and recent[-1][0] == item:  # a repeat is not a pair
            recent[-1] = (item, at)
            continue
        for other, other_at in recent:
            if other != item and at - other_at <= session_gap:
                pairs.add((other, item) if other < item else (item, other))
        recent.append((item, at))
        if len(recent) > span:
            recent.pop(0)
    return items, pairs


class _Counts:
    def __init__(self) -> None:
        self.items: Counter[int] = Counter()
        self.pairs: Counter[tuple[int, int]] = Counter()

    def add(self, items: set[int], pairs: set[tuple[int, int]]) -> None:
        self.items.update(items)
        self.pairs.update(pairs)

    def neighbours(self, *, listeners: int, top_k: int, min_listeners: int) -> dict[int, list[tuple[int, int, int]]]:
        """Each item's best ``top_k`` neighbours: (neighbour, score in millionths, listeners)."""
        best: dict[int, list[tuple[int, int, int]]] = {}
        for (a, b), together in self.pairs.items():
            if together < min_listeners or together >= listeners:
                continue
            p_ab = together / listeners
            pmi = math.log(p_ab / ((self.items[a] / listeners) * (self.items[b] / listeners)))
            npmi = pmi / -math.log(p_ab)
            if npmi <= 0:
                continue
            score = min(1_000_000, round(npmi * 1_000_000))
            best.setdefault(a, []).append((b, score, together))
            best.setdefault(b, []).append((a, score, together))
        for _item, found in best.items():
            found.sort(key=lambda row: (-row[1], -row[2], row[0]))
            del found[top_k:]
        return best


def _rows(kind: str, neighbours: dict[int, list[tuple[int, int, int]]]) -> Iterable[Neighbour]:
    for item, found in neighbours.items():
        for other, score, together in found:
            yield Neighbour(kind=kind, item_id=item, neighbour_id=other, score=score, listeners=together)


def neighbours_compute(
    *,
    now: datetime | None = None,
    window: timedelta = WINDOW,
    session_gap: timedelta = SESSION_GAP,
    span: int = SPAN,
    per_listener: int = PER_LISTENER,
    top_k: int = TOP_K,
    min_listeners: int = MIN_LISTENERS,
) -> RunFigures:
    """Recompute every track's and artist's neighbours from the plays of ``window`` (idempotent).

    The tables are replaced in one transaction; the cached lists of listeners go stale at
    once (the generation is bumped after the commit), and are made again when next read.
    """
    started = time.perf_counter()
    since = (now or timezone.now()) - window
    tracks, artists = _Counts(), _Counts()
    plays_read = listeners = 0
    for _user, rows in groupby(_plays(since), key=lambda row: row[0]):
        mine = list(rows)[-per_listener:]
        plays_read += len(mine)
        listeners += 1
        tracks.add(*_pairs_of([(track, at) for _, track, _, at in mine], span=span, session_gap=session_gap))
        artists.add(*_pairs_of([(artist, at) for _, _, artist, at in mine], span=span, session_gap=session_gap))
    track_neighbours = tracks.neighbours(listeners=listeners, top_k=top_k, min_listeners=min_listeners)
    artist_neighbours = artists.neighbours(listeners=listeners, top_k=top_k, min_listeners=min_listeners)
    with transaction.atomic():
        Neighbour.objects.all().delete()
        Neighbour.objects.bulk_create(_rows(Neighbour.Kind.TRACK, track_neighbours), batch_size=2000)
        Neighbour.objects.bulk_create(_rows(Neighbour.Kind.ARTIST, artist_neighbours), batch_size=2000)
        seconds = time.perf_counter() - started
        figures = RunFigures(
            plays_read=plays_read,
            listeners=listeners,
            track_pairs=sum(map(len, track_neighbours.values())),
            artist_pairs=sum(map(len, artist_neighbours.values())),
            seconds=seconds,
        )
        ModelRun.objects.create(
            finished_at=timezone.now(),
            plays_read=plays_read,
            listeners=listeners,
            track_pairs=figures.track_pairs,
            artist_pairs=figures.artist_pairs,
            duration_ms=round(seconds * 1000),
        )
        stale = ModelRun.objects.order_by("-finished_at", "-pk").values_list("pk", flat=True)[RUNS_KEPT:]
        ModelRun.objects.filter(pk__in=list(stale)).delete()
    generation_bump()
    return figures
