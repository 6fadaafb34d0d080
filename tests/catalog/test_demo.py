import pytest

from accounts.models import User
from catalog.demo import DEMO_CATALOG, DEMO_PASSWORD, seed_demo
from catalog.models import Album, Artist, Lyrics, Track


@pytest.mark.django_db(transaction=True)
def test_seed_demo_loads_a_playable_catalog_and_is_safe_to_run_twice():
    lines: list[str] = []

    first = seed_demo(report=lines.append, track_seconds=(2, 3))
    second = seed_demo(report=lines.append, track_seconds=(2, 3))

    album_count = sum(len(artist.albums) for artist in DEMO_CATALOG)
    track_count = sum(len(album.tracks) for artist in DEMO_CATALOG for album in artist.albums)
    assert first == {"artists": len(DEMO_CATALOG), "albums": album_count, "tracks": track_count}
    assert second == {"artists": 0, "albums": 0, "tracks": 0}
    assert (Artist.objects.count(), Album.objects.count(), Track.objects.count()) == (
        len(DEMO_CATALOG),
        album_count,
        track_count,
    )
    assert len(lines) == track_count  # one progress line per generated track, none the second time
    assert set(Track.objects.values_list("status", flat=True)) == {Track.Status.READY}
    assert all(2000 <= ms <= 3100 for ms in Track.objects.values_list("duration_ms", flat=True))
    assert set(Album.objects.values_list("status", flat=True)) == {Album.Status.PUBLISHED}
    assert all(album.artwork for album in Album.objects.all())
    # The first track of each album sings, in time with itself.
    lyrics = list(Lyrics.objects.select_related("track"))
    assert len(lyrics) == album_count
    assert {(row.state, row.synced, row.track.track_number) for row in lyrics} == {("published", True, 1)}
    assert all(row.lines[-1]["start_ms"] < row.track.duration_ms for row in lyrics)
    listener = User.objects.get(username="listener")
    assert listener.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="premium").profile.plan == "premium"
    assert User.objects.get(username="admin").is_staff
