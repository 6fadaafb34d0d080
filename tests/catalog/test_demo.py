import pytest

from accounts.models import User
from catalog.artwork import ARTWORK_SIZES, artwork_name
from catalog.demo import DEMO_CATALOG, DEMO_PASSWORD, demo_artist_pictures_add, seed_demo
from catalog.models import Album, Artist, Lyrics, Track
from catalog.services.artists import artist_create
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import stored_names


@pytest.mark.django_db(transaction=True)
def test_seed_demo_loads_a_playable_catalog_and_is_safe_to_run_twice():
    lines: list[str] = []

    first = seed_demo(report=lines.append, track_seconds=(2, 3))
    second = seed_demo(report=lines.append, track_seconds=(2, 3))

    album_count = sum(len(artist.albums) for artist in DEMO_CATALOG)
    track_count = sum(len(album.tracks) for artist in DEMO_CATALOG for album in artist.albums)
    assert first == {
        "artists": len(DEMO_CATALOG),
        "albums": album_count,
        "tracks": track_count,
        "pictures": len(DEMO_CATALOG),
    }
    assert second == {"artists": 0, "albums": 0, "tracks": 0, "pictures": 0}
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
    assert all(artist.image for artist in Artist.objects.all())
    # The first track of each album sings, in time with itself.
    lyrics = list(Lyrics.objects.select_related("track"))
    assert len(lyrics) == album_count
    assert {(row.state, row.synced, row.track.track_number) for row in lyrics} == {("published", True, 1)}
    assert all(row.lines[-1]["start_ms"] < row.track.duration_ms for row in lyrics)
    listener = User.objects.get(username="listener")
    assert listener.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="premium").profile.plan == "premium"
    assert User.objects.get(username="admin").is_staff


@pytest.mark.django_db
def test_demo_artists_seeded_before_they_had_pictures_get_them_once():
    member = UserFactory(username="artist")
    artists = [artist_create(name=spec.name, owner=member, bio=spec.bio) for spec in DEMO_CATALOG]
    assert not any(artist.image for artist in artists)

    assert demo_artist_pictures_add(by=member) == len(DEMO_CATALOG)
    pictures = {artist.pk: artist.image.name for artist in Artist.objects.all()}
    assert demo_artist_pictures_add(by=member) == 0

    assert {artist.pk: artist.image.name for artist in Artist.objects.all()} == pictures
    for artist in artists:
        name = pictures[artist.pk]
        assert sorted(stored_names(f"artists/{artist.pk}/")) == sorted(
            artwork_name(name, size) for size in ARTWORK_SIZES
        )
