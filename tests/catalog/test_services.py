"""The catalog's services where they hold a rule of their own: the running order, and genres made with an album."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Album, Genre, Track
from catalog.services import albums as album_services
from catalog.services import tracks as track_services
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db


def _running_order(album: Album) -> list[tuple[int, int, str]]:
    return list(
        album.tracks.order_by("disc_number", "track_number").values_list("disc_number", "track_number", "title")
    )


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def album(owner):
    album = AlbumFactory(artist=ArtistFactory(owner=owner), title="Two Discs")
    for number, title in enumerate(["A", "B"], start=1):
        TrackFactory(album=album, title=title, track_number=number)
    for number, title in enumerate(["C", "D"], start=1):
        TrackFactory(album=album, title=title, disc_number=2, track_number=number)
    return album


def _move(album: Album, by, title: str, direction: str) -> None:
    track = album.tracks.get(title=title)
    album_services.album_track_move(album=album, by=by, track_id=track.pk, direction=direction)


def test_a_track_swaps_places_with_its_neighbour_on_the_same_disc(album, owner):
    _move(album, owner, "B", "up")

    assert _running_order(album) == [(1, 1, "B"), (1, 2, "A"), (2, 1, "C"), (2, 2, "D")]


def test_the_last_of_a_disc_moving_down_opens_the_next_disc(album, owner):
    _move(album, owner, "B", "down")

    assert _running_order(album) == [(1, 1, "A"), (2, 1, "B"), (2, 2, "C"), (2, 3, "D")]


def test_the_first_of_a_disc_moving_up_closes_the_disc_before(album, owner):
    _move(album, owner, "C", "up")

    assert _running_order(album) == [(1, 1, "A"), (1, 2, "B"), (1, 3, "C"), (2, 1, "D")]


def test_the_first_and_last_tracks_of_the_album_stay_at_the_ends(album, owner):
    _move(album, owner, "A", "up")
    _move(album, owner, "D", "down")

    assert _running_order(album) == [(1, 1, "A"), (1, 2, "B"), (2, 1, "C"), (2, 2, "D")]


def test_a_track_that_is_not_on_the_album_is_refused(album, owner):
    elsewhere = TrackFactory(artist=album.artist, title="Loose")

    with pytest.raises(ValidationError) as refusal:
        album_services.album_track_move(album=album, by=owner, track_id=elsewhere.pk, direction="up")

    assert refusal.value.messages == ["That track is not on this album."]
    assert _running_order(album) == [(1, 1, "A"), (1, 2, "B"), (2, 1, "C"), (2, 2, "D")]


def test_genres_named_for_a_new_album_are_made_with_it(owner):
    artist = ArtistFactory(owner=owner)
    Genre.objects.create(name="Pop", slug="pop")

    album = album_services.album_create(artist_id=artist.pk, by=owner, title="Glass", genre_names=["pop", "Shoegaze"])

    assert sorted(album.genres.values_list("name", flat=True)) == ["Pop", "Shoegaze"]
    assert Genre.objects.count() == 2


def test_an_album_the_service_refuses_makes_no_genre(owner):
    artist = ArtistFactory(owner=owner)

    with pytest.raises(ValidationError) as refusal:
        album_services.album_create(artist_id=artist.pk, by=owner, title="x" * 301, genre_names=["Shoegaze"])

    assert "title" in refusal.value.message_dict
    assert not Genre.objects.exists()


def test_a_genre_without_a_letter_or_digit_is_refused_on_the_genres_field(album, owner):
    with pytest.raises(ValidationError) as refusal:
        album_services.album_update(album=album, by=owner, genre_names=["Ambient", "!!"])

    assert refusal.value.message_dict == {"genres": ["A genre needs a name with letters or digits."]}
    assert not Genre.objects.exists()


def test_a_track_change_the_service_refuses_makes_no_genre(owner):
    track = TrackFactory(artist=ArtistFactory(owner=owner), status=Track.Status.READY)

    with pytest.raises(ValidationError):
        track_services.track_update(track=track, by=owner, genre_names=["Krautrock"], isrc="nope")

    assert not Genre.objects.exists()
