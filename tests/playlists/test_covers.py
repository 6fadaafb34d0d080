"""Playlist pictures: the owner's cover, else a mosaic of the first tracks' artwork, made after commit."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from catalog.artwork import artwork_name, artwork_store
from playlists.models import Playlist
from playlists.services.items import playlist_items_add, playlist_items_reorder
from playlists.services.playlists import playlist_cover_clear
from tests.catalog.conftest import png_bytes
from tests.catalog.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db

COLOURS = ["red", "lime", "blue", "yellow", "magenta"]


@pytest.fixture
def coloured_tracks():
    """One published album per colour, each with one track."""
    tracks = []
    for colour in COLOURS:
        album = AlbumFactory(status="published", title=colour)
        album.artwork.name = artwork_store(io.BytesIO(png_bytes(colour=colour)), prefix=f"albums/{album.pk}")
        album.save()
        tracks.append(TrackFactory(album=album, title=colour))
    return tracks


def pixel(name: str, size: int, x: int, y: int) -> tuple[int, int, int]:
    with default_storage.open(artwork_name(name, size)) as file:
        return Image.open(file).convert("RGB").getpixel((x, y))


def close_to(colour: tuple[int, int, int], name: str) -> bool:
    expected = Image.new("RGB", (1, 1), name).getpixel((0, 0))
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=True))


def test_the_mosaic_is_made_of_the_first_four_artworks_after_commit(
    playlist, alice, coloured_tracks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in coloured_tracks])
    playlist.refresh_from_db()

    assert playlist.mosaic
    assert len(playlist.mosaic_source) == 4
    name = playlist.mosaic.name
    assert close_to(pixel(name, 640, 100, 100), "red")
    assert close_to(pixel(name, 640, 540, 100), "lime")
    assert close_to(pixel(name, 640, 100, 540), "blue")
    assert close_to(pixel(name, 640, 540, 540), "yellow")
    assert default_storage.exists(artwork_name(name, 64))

    # Moving the fifth to the front remakes it; moving within the rest leaves it be.
    with django_capture_on_commit_callbacks(execute=True):
        playlist_items_reorder(playlist=playlist, by=alice, range_start=4, insert_before=0)
    playlist.refresh_from_db()
    assert close_to(pixel(playlist.mosaic.name, 640, 100, 100), "magenta")
    assert not default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        playlist_items_reorder(playlist=playlist, by=alice, range_start=4, insert_before=5)
    assert callbacks == []


def test_fewer_than_four_artworks_make_a_single_picture(
    playlist, alice, coloured_tracks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        playlist_items_add(playlist=playlist, by=alice, track_ids=[coloured_tracks[2].pk, coloured_tracks[2].pk])
    playlist.refresh_from_db()

    assert close_to(pixel(playlist.mosaic.name, 300, 280, 280), "blue")


def test_an_uploaded_cover_wins_until_it_is_cleared(
    playlist, alice, coloured_tracks, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(alice)
    upload = SimpleUploadedFile("cover.png", png_bytes(colour="white"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put(f"/api/v1/playlists/{playlist.pk}/cover/", {"image": upload}, format="multipart")
        playlist_items_add(playlist=playlist, by=alice, track_ids=[coloured_tracks[0].pk])
    assert response.status_code == 200
    assert urlsplit(response.json()["images"]["640"]).path.endswith("/640.jpg")
    playlist.refresh_from_db()
    assert playlist.cover
    assert not playlist.mosaic  # no mosaic is made while a cover is up

    with django_capture_on_commit_callbacks(execute=True):
        playlist_cover_clear(playlist=playlist, by=alice)
    playlist.refresh_from_db()
    assert not playlist.cover
    assert close_to(pixel(playlist.mosaic.name, 300, 150, 150), "red")


def test_a_file_that_is_not_an_image_is_refused(playlist, alice):
    client = APIClient()
    client.force_authenticate(alice)
    fake = SimpleUploadedFile("cover.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")

    response = client.put(f"/api/v1/playlists/{playlist.pk}/cover/", {"image": fake}, format="multipart")

    assert response.status_code == 400
    assert "image" in response.json()["error"]["details"]
    assert not Playlist.objects.get(pk=playlist.pk).cover


def _album_of(track):
    from catalog.models import Album

    return Album.objects.get(pk=track.album_id)


def _owner_of(album):
    return album.artist.memberships.get(role="owner").user


def test_a_mosaic_follows_its_albums_new_artwork_unpublishing_and_deletion(
    playlist, alice, coloured_tracks, django_capture_on_commit_callbacks
):
    from catalog.services.albums import album_artwork_set, album_delete, album_unpublish

    with django_capture_on_commit_callbacks(execute=True):
        playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in coloured_tracks[:2]])
    playlist.refresh_from_db()
    assert close_to(pixel(playlist.mosaic.name, 640, 100, 100), "red")
    red = _album_of(coloured_tracks[0])
    artist_owner = _owner_of(red)

    # The first album's artwork is replaced: the mosaic shows the new one.
    with django_capture_on_commit_callbacks(execute=True):
        album_artwork_set(album=red, by=artist_owner, file=io.BytesIO(png_bytes(colour="white")))
    playlist.refresh_from_db()
    assert close_to(pixel(playlist.mosaic.name, 640, 100, 100), "white")

    # It is unpublished: its tile goes, the next album's artwork fills the picture.
    with django_capture_on_commit_callbacks(execute=True):
        album_unpublish(album=_album_of(coloured_tracks[0]), by=artist_owner)
    playlist.refresh_from_db()
    assert close_to(pixel(playlist.mosaic.name, 300, 150, 150), "lime")

    # The second album is deleted: nothing is left to show.
    lime = _album_of(coloured_tracks[1])
    with django_capture_on_commit_callbacks(execute=True):
        album_delete(album=lime, by=_owner_of(lime))
    playlist.refresh_from_db()
    assert not playlist.mosaic
    assert playlist.mosaic_source == []


def test_an_album_change_leaves_uploaded_covers_and_other_playlists_alone(
    playlist, alice, coloured_tracks, django_capture_on_commit_callbacks
):
    from playlists.services.playlists import playlist_mosaics_refresh_for_album

    with django_capture_on_commit_callbacks(execute=True):
        playlist_items_add(playlist=playlist, by=alice, track_ids=[coloured_tracks[0].pk])
    playlist.refresh_from_db()
    before = playlist.mosaic.name

    # Nothing changed for this playlist: no new picture is made.
    assert playlist_mosaics_refresh_for_album(album_id=coloured_tracks[0].album_id, artwork="") == 0
    assert playlist_mosaics_refresh_for_album(album_id=coloured_tracks[3].album_id, artwork="") == 0
    playlist.refresh_from_db()
    assert playlist.mosaic.name == before
