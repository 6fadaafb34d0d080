"""Adding, removing and moving tracks: cheap, ordered, capped, and honest about snapshots."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Album
from playlists.models import MAX_ITEMS, Playlist, PlaylistItem
from playlists.selectors import playlist_items
from playlists.services import StaleSnapshotError
from playlists.services.items import (
    GAP,
    _spread,
    playlist_item_move,
    playlist_item_step,
    playlist_items_add,
    playlist_items_remove,
    playlist_items_reorder,
)
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.playlists.factories import items_bulk

pytestmark = pytest.mark.django_db


def titles(playlist: Playlist) -> list[str]:
    return [item.track_title for item in playlist_items(playlist=playlist)]


def add(playlist, by, tracks, **kwargs):
    return playlist_items_add(playlist=playlist, by=by, track_ids=[t.pk for t in tracks], **kwargs)


def test_tracks_are_added_at_the_end_or_at_a_position(playlist, alice, tracks):
    add(playlist, alice, tracks[:3])
    add(playlist, alice, [tracks[3]], position=0)
    add(playlist, alice, [tracks[4], tracks[5]], position=2)
    playlist = add(playlist, alice, [tracks[0]])  # a repeat is another item

    assert titles(playlist) == ["Song 4", "Song 1", "Song 5", "Song 6", "Song 2", "Song 3", "Song 1"]
    assert playlist.item_count == 7
    assert PlaylistItem.objects.filter(playlist=playlist).count() == 7


def test_an_addition_writes_only_the_new_rows(playlist, alice, tracks):
    items_bulk(playlist, tracks, repeat=50)  # 500 items
    with CaptureQueriesContext(connection) as queries:
        add(playlist, alice, tracks[:2], position=250)

    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len(writes) == 2  # the new items, and the playlist's counter and snapshot
    assert "playlists_playlistitem" in writes[0]
    assert 'playlists_playlist"' in writes[1].replace("`", '"')


def test_moving_a_range_rewrites_only_that_range(playlist, alice, tracks):
    add(playlist, alice, tracks[:6])
    with CaptureQueriesContext(connection) as queries:
        playlist = playlist_items_reorder(playlist=playlist, by=alice, range_start=1, range_length=2, insert_before=5)

    assert titles(playlist) == ["Song 1", "Song 4", "Song 5", "Song 2", "Song 3", "Song 6"]
    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2  # the two moved items in one statement, then the playlist


def test_moving_to_the_front_and_the_end(playlist, alice, tracks):
    add(playlist, alice, tracks[:4])
    playlist_items_reorder(playlist=playlist, by=alice, range_start=3, insert_before=0)
    playlist = playlist_items_reorder(playlist=playlist, by=alice, range_start=1, insert_before=4)

    assert titles(playlist) == ["Song 4", "Song 2", "Song 3", "Song 1"]


def test_moving_a_range_onto_itself_changes_nothing(playlist, alice, tracks):
    playlist = add(playlist, alice, tracks[:4])
    before = playlist.snapshot_id

    after = playlist_items_reorder(playlist=playlist, by=alice, range_start=1, range_length=2, insert_before=3)

    assert titles(after) == ["Song 1", "Song 2", "Song 3", "Song 4"]
    assert after.snapshot_id == before


def test_one_item_moves_before_another_by_ids(playlist, alice, tracks):
    add(playlist, alice, tracks[:4])
    ids = [item.pk for item in playlist_items(playlist=playlist)]

    playlist_item_move(playlist=playlist, by=alice, item_id=ids[0], before_item_id=ids[3])
    assert titles(playlist) == ["Song 2", "Song 3", "Song 1", "Song 4"]
    playlist_item_move(playlist=playlist, by=alice, item_id=ids[1], before_item_id=None)
    assert titles(playlist) == ["Song 3", "Song 1", "Song 4", "Song 2"]


def test_up_and_down_steps(playlist, alice, tracks):
    add(playlist, alice, tracks[:3])
    first, second, third = (item.pk for item in playlist_items(playlist=playlist))

    playlist_item_step(playlist=playlist, by=alice, item_id=third, direction="up")
    assert titles(playlist) == ["Song 1", "Song 3", "Song 2"]
    playlist_item_step(playlist=playlist, by=alice, item_id=first, direction="down")
    assert titles(playlist) == ["Song 3", "Song 1", "Song 2"]
    playlist_item_step(playlist=playlist, by=alice, item_id=second, direction="down")  # already last
    assert titles(playlist) == ["Song 3", "Song 1", "Song 2"]


def test_positions_are_spread_out_again_when_a_gap_runs_out(playlist, alice, tracks):
    add(playlist, alice, tracks[:2])
    # Squeezing between the same two neighbours halves the gap each time: 16 fit in 65 536, then it spreads.
    for n in range(20):
        add(playlist, alice, [tracks[2 + n % 8]], position=1)

    items = list(playlist_items(playlist=playlist))
    positions = [item.position for item in items]
    assert positions == sorted(positions)
    assert len(set(positions)) == 22
    assert items[0].track_title == "Song 1"
    assert items[-1].track_title == "Song 2"
    assert [i.track_title for i in items[1:5]] == ["Song 6", "Song 5", "Song 4", "Song 3"]
    assert max(b - a for a, b in itertools.pairwise(positions)) <= GAP


def test_removing_by_item_and_by_track(playlist, alice, tracks):
    add(playlist, alice, [tracks[0], tracks[1], tracks[0], tracks[2]])
    first_item = next(iter(playlist_items(playlist=playlist)))

    playlist_items_remove(playlist=playlist, by=alice, item_ids=[first_item.pk])
    assert titles(playlist) == ["Song 2", "Song 1", "Song 3"]
    playlist = playlist_items_remove(playlist=playlist, by=alice, track_ids=[tracks[0].pk])
    assert titles(playlist) == ["Song 2", "Song 3"]
    assert playlist.item_count == 2

    # Removing what is gone already changes nothing, and is no error.
    again = playlist_items_remove(playlist=playlist, by=alice, item_ids=[first_item.pk])
    assert again.snapshot_id == playlist.snapshot_id


def test_every_change_gives_a_new_snapshot_and_a_stale_one_is_refused(playlist, alice, tracks):
    first = playlist.snapshot_id
    second = add(playlist, alice, tracks[:2], snapshot_id=first).snapshot_id
    assert second != first

    with pytest.raises(StaleSnapshotError) as refused:
        add(playlist, alice, tracks[2:3], snapshot_id=first)
    assert refused.value.code == "stale_snapshot"
    assert titles(playlist) == ["Song 1", "Song 2"]

    third = playlist_items_reorder(
        playlist=playlist, by=alice, range_start=0, insert_before=2, snapshot_id=second
    ).snapshot_id
    assert third not in {first, second}
    assert titles(playlist) == ["Song 2", "Song 1"]


def test_the_10001st_track_is_refused_and_nothing_is_half_written(playlist, alice, tracks):
    items_bulk(playlist, tracks, repeat=MAX_ITEMS // len(tracks) - 1)  # 9 990
    playlist = add(playlist, alice, tracks)  # 10 000: full
    assert playlist.item_count == MAX_ITEMS
    snapshot = playlist.snapshot_id

    with pytest.raises(ValidationError) as refused:
        add(playlist, alice, tracks[:1])

    assert refused.value.code == "playlist_full"
    assert "up to 10,000 tracks" in refused.value.messages[0]
    playlist.refresh_from_db()
    assert playlist.item_count == MAX_ITEMS == PlaylistItem.objects.filter(playlist=playlist).count()
    assert playlist.snapshot_id == snapshot


def test_an_addition_that_would_overflow_is_refused_whole(playlist, alice, tracks):
    items_bulk(playlist, tracks, repeat=(MAX_ITEMS - 5) // len(tracks))  # 9 990
    with pytest.raises(ValidationError) as refused:
        add(playlist, alice, tracks + tracks[:1])  # 11 would not fit in 10

    assert refused.value.code == "playlist_full"
    assert "room for 10 more" in refused.value.messages[0]
    assert PlaylistItem.objects.filter(playlist=playlist).count() == 9_990


def test_unavailable_tracks_stay_listed(playlist, alice, tracks, album):
    lonely = TrackFactory(title="Soon gone", album=AlbumFactory(status=Album.Status.PUBLISHED))
    add(playlist, alice, [tracks[0], lonely, tracks[1]])

    lonely.delete()
    Album.objects.filter(pk=album.pk).update(status=Album.Status.UNPUBLISHED)

    items = list(playlist_items(playlist=playlist))
    assert [(i.track_title, i.track is not None) for i in items] == [
        ("Song 1", True),
        ("Soon gone", False),
        ("Song 2", True),
    ]
    assert not items[0].track.is_playable
    assert items[1].artist_name == lonely.artist.name


def test_only_tracks_the_editor_may_see_are_added(playlist, alice, tracks):
    draft = TrackFactory(album=None, status="processing")
    with pytest.raises(ValidationError) as refused:
        add(playlist, alice, [tracks[0], draft])

    assert refused.value.code == "track_not_found"
    assert playlist_items(playlist=playlist).count() == 0


def test_collaborators_edit_tracks_and_strangers_do_not(shared_with_bob, bob, eve, tracks):
    add(shared_with_bob, bob, tracks[:2])
    playlist_items_reorder(playlist=shared_with_bob, by=bob, range_start=1, insert_before=0)
    assert titles(shared_with_bob) == ["Song 2", "Song 1"]

    with pytest.raises(PermissionDenied):
        add(shared_with_bob, eve, tracks[:1])
    shared_with_bob.collaborative = False
    shared_with_bob.save()
    with pytest.raises(PermissionDenied):
        add(shared_with_bob, bob, tracks[:1])


def test_spreading_out_renumbers_in_order_in_two_statements(playlist, alice, tracks):
    add(playlist, alice, tracks[:5])
    for n, item in enumerate(PlaylistItem.objects.filter(playlist=playlist).order_by("position")):
        PlaylistItem.objects.filter(pk=item.pk).update(position=item.position // GAP * 3 + n)  # crowded together
    order = titles(playlist)

    with CaptureQueriesContext(connection) as queries:
        _spread(playlist.pk)

    assert len(queries) == 2
    assert titles(playlist) == order
    items = PlaylistItem.objects.filter(playlist=playlist).order_by("position")
    assert list(items.values_list("position", flat=True)) == [GAP * n for n in range(1, 6)]
