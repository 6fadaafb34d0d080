"""Several editors on one playlist at once, against real PostgreSQL: nothing lost, nothing duplicated."""

import random
import threading
from collections import Counter

import pytest
from django.db import connection

from playlists.models import Playlist, PlaylistItem
from playlists.services import StaleSnapshotError
from playlists.services.items import playlist_item_move, playlist_items_add, playlist_items_reorder
from playlists.services.playlists import playlist_collaborator_add, playlist_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

EDITORS = 6
ROUNDS = 15


def run_together(workers):
    """Start every worker at the same moment; re-raise the first error any of them met."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def wrap(work):
        def run():
            try:
                barrier.wait()
                work()
            except Exception as exc:
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(work)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [t for t in threads if t.is_alive()], "an editor never finished"
    if errors:
        raise errors[0]


def test_concurrent_adds_and_moves_lose_nothing_and_keep_positions_consistent():
    owner = UserFactory(username="owner-c")
    editors = [owner] + [UserFactory(username=f"editor-c{n}") for n in range(EDITORS - 1)]
    album = AlbumFactory(status="published")
    tracks = [TrackFactory(album=album, title=f"T{n}") for n in range(40)]
    playlist = playlist_create(owner=owner, name="Party", collaborative=True)
    for editor in editors[1:]:
        playlist_collaborator_add(playlist=playlist, by=owner, user=editor)
    playlist_items_add(playlist=playlist, by=owner, track_ids=[t.pk for t in tracks[:20]])
    added = Counter({t.pk: 1 for t in tracks[:20]})
    lock = threading.Lock()

    def editor_work(editor, seed):
        rng = random.Random(seed)

        def work():
            for _ in range(ROUNDS):
                choice = rng.random()
                if choice < 0.5:
                    picked = rng.sample(tracks, rng.randint(1, 3))
                    position = rng.choice([None, 0, rng.randint(0, 30)])
                    playlist_items_add(
                        playlist=playlist, by=editor, track_ids=[t.pk for t in picked], position=position
                    )
                    with lock:
                        added.update(t.pk for t in picked)
                elif choice < 0.75:
                    count = Playlist.objects.get(pk=playlist.pk).item_count
                    start = rng.randint(0, count - 3)
                    playlist_items_reorder(
                        playlist=playlist,
                        by=editor,
                        range_start=start,
                        range_length=rng.randint(1, 3),
                        insert_before=rng.randint(0, count - 3),
                    )
                else:
                    ids = list(PlaylistItem.objects.filter(playlist=playlist).values_list("pk", flat=True))
                    playlist_item_move(
                        playlist=playlist,
                        by=editor,
                        item_id=rng.choice(ids),
                        before_item_id=rng.choice([*ids, None]),
                    )

        return work

    run_together([editor_work(editor, seed) for seed, editor in enumerate(editors)])

    playlist.refresh_from_db()
    rows = list(PlaylistItem.objects.filter(playlist=playlist).order_by("position").values_list("track_id", "position"))
    assert Counter(track for track, _ in rows) == added  # every add present, once per add
    assert playlist.item_count == len(rows) == sum(added.values())
    positions = [position for _, position in rows]
    assert len(set(positions)) == len(positions)


def test_of_two_edits_from_one_snapshot_only_one_goes_through():
    owner = UserFactory(username="owner-s")
    album = AlbumFactory(status="published")
    tracks = [TrackFactory(album=album, title=f"S{n}") for n in range(4)]
    playlist = playlist_create(owner=owner, name="Duel")
    snapshot = playlist_items_add(playlist=playlist, by=owner, track_ids=[tracks[0].pk]).snapshot_id
    outcomes = []

    def edit(track):
        def work():
            try:
                playlist_items_add(playlist=playlist, by=owner, track_ids=[track.pk], snapshot_id=snapshot)
                outcomes.append("ok")
            except StaleSnapshotError:
                outcomes.append("stale")

        return work

    run_together([edit(track) for track in tracks[1:]])

    assert sorted(outcomes) == ["ok", "stale", "stale"]
    assert PlaylistItem.objects.filter(playlist=playlist).count() == 2
