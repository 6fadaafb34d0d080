"""What /media/ serves in the embedded default: public images by path, nothing else.

Audio goes through the signed edge (/edge/s/...), originals through the studio.
The URLs are loaded as `make run` loads them, with DEBUG on.
"""

import importlib
from collections.abc import Iterator

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches

import spotifyclone.urls
from accounts.services import account_update
from catalog.models import Track
from catalog.services.albums import album_artwork_set, album_create
from catalog.services.artists import artist_image_set
from catalog.services.tracks import track_upload
from playlists.services.playlists import playlist_cover_set, playlist_create
from streaming.storage import renditions_storage
from tests.catalog.conftest import png_bytes

pytestmark = pytest.mark.django_db

RENDITION = b"\x00\x00\x00\x18ftypM4A rendition bytes"


@pytest.fixture
def _urls_as_make_run_loads_them(settings, tmp_path) -> Iterator[None]:
    """The embedded default as `make run` has it, in either mode: files under MEDIA_ROOT, URLs with DEBUG on."""
    debug = settings.DEBUG
    settings.DEBUG = True
    settings.STORAGE_BACKEND = "filesystem"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    filesystem = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": filesystem, "renditions": filesystem}
    importlib.reload(spotifyclone.urls)
    clear_url_caches()
    yield
    settings.DEBUG = debug
    importlib.reload(spotifyclone.urls)
    clear_url_caches()


@pytest.fixture(autouse=True)
def _embedded(request) -> None:
    if not request.node.get_closest_marker("services"):
        request.getfixturevalue("_urls_as_make_run_loads_them")


@pytest.fixture
def draft_track(artist, owner, audio_bytes) -> Track:
    """An upload on no album: its original is in storage, nobody but the artist may hear it."""
    return track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Unreleased Demo.flac", audio_bytes("flac")))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "path",
    [
        "albums/../originals/{name}",
        "albums/%2e%2e/originals/{name}",
        "albums/..%2foriginals/{name}",
        "ALBUMS/../originals/{name}",
        "./originals/{name}",
        "/originals/{name}",
        "avatars//../originals/{name}",
    ],
)
def test_no_path_trick_reaches_a_private_file(client, draft_track, path):
    name = draft_track.original.name.removeprefix("originals/")

    response = client.get("/media/" + path.format(name=name))

    assert response.status_code == 404
    assert b"fLaC" not in _body(response)


def test_only_public_images_are_served_by_path(client, artist, owner, draft_track):
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    artist_image_set(artist=artist, by=owner, file=SimpleUploadedFile("p.png", png_bytes(colour="navy")))
    playlist = playlist_create(owner=owner, name="Road Trip")
    playlist_cover_set(playlist=playlist, by=owner, file=SimpleUploadedFile("c.png", png_bytes()))
    account_update(user=owner, avatar=SimpleUploadedFile("me.png", png_bytes(colour="olive")))
    for row in (album, artist, playlist, owner):
        row.refresh_from_db()
    files = {
        "album artwork": album.artwork.name,
        "artist picture": artist.image.name,
        "playlist cover": playlist.cover.name,
        "avatar": owner.avatar.name,
        "original": draft_track.original.name,
        "rendition": renditions_storage().save("renditions/41/v1a2b3/aac_320.m4a", ContentFile(RENDITION)),
    }

    served = {}
    for what, name in files.items():
        response = client.get(f"/media/{name}")
        served[what] = (response.status_code, response["Content-Type"])
        if response.status_code == 200:
            with default_storage.open(name, "rb") as file:
                assert _body(response) == file.read()

    assert served == {
        "album artwork": (200, "image/jpeg"),
        "artist picture": (200, "image/jpeg"),
        "playlist cover": (200, "image/jpeg"),
        "avatar": (200, "image/jpeg"),
        "original": (404, "text/html; charset=utf-8"),
        "rendition": (404, "text/html; charset=utf-8"),
    }


@pytest.mark.parametrize("who", ["owner", "editor", "staff"])
def test_the_artists_members_and_staff_download_the_original(client, request, draft_track, audio_bytes, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/studio/tracks/{draft_track.pk}/original")

    assert response.status_code == 200
    assert _body(response) == audio_bytes("flac")
    assert response["Content-Disposition"] == 'attachment; filename="Unreleased Demo.flac"'
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_anyone_else_gets_the_original_nowhere(client, request, draft_track, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    replies = [client.get(f"/studio/tracks/{draft_track.pk}/original"), client.get(draft_track.original.url)]

    assert [reply.status_code for reply in replies] == [404, 404]
    assert all(b"fLaC" not in _body(reply) for reply in replies)


def test_a_refused_upload_has_no_original_to_download(client, owner, draft_track):
    # The worker refused the file and deleted it: the link answers 404, not a server error.
    Track.objects.filter(pk=draft_track.pk).update(original="", status=Track.Status.FAILED)
    client.force_login(owner)

    response = client.get(f"/studio/tracks/{draft_track.pk}/original")

    assert response.status_code == 404


@pytest.mark.services
def test_in_services_mode_members_get_a_short_lived_bucket_url_for_the_original(client, owner, stranger, draft_track):
    client.force_login(owner)

    answer = client.get(f"/studio/tracks/{draft_track.pk}/original")
    fetched = requests.get(answer["Location"], timeout=10)
    client.force_login(stranger)
    refused = client.get(f"/studio/tracks/{draft_track.pk}/original")

    assert answer.status_code == 302
    assert "Signature=" in answer["Location"] or "X-Amz-Signature=" in answer["Location"]
    assert fetched.status_code == 200
    assert fetched.content[:4] == b"fLaC"
    assert refused.status_code == 404
