"""A refused studio form comes back at the page's own address, its error next to its field and announced."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.models import Album, ArtistMembership
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import png_bytes, stored_names
from tests.catalog.factories import AlbumFactory, ArtistFactory, ArtistMembershipFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="owner")


@pytest.fixture
def artist(owner):
    return ArtistFactory(name="Aurora Fields", slug="aurora-fields", owner=owner)


@pytest.fixture
def album(artist):
    return AlbumFactory(artist=artist, title="Northern Lights", slug="northern-lights")


def _form(html: str, marker: str) -> str:
    """The <form …> element holding ``marker``."""
    start = html.rindex("<form", 0, html.index(marker))
    return html[start : html.index("</form>", start)]


def _described_error(html: str, field_id: str) -> str:
    """The error text the field points at with aria-describedby; the field is marked invalid and focused."""
    tag = re.search(rf"<(?:input|select|textarea)[^>]*\bid=\"{field_id}\"[^>]*>", html)
    assert tag, f"no field {field_id}"
    assert 'aria-invalid="true"' in tag.group(0)
    assert "autofocus" in tag.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert described
    assert f"{field_id}_error" in described.group(1).split()
    error = re.search(rf'<div class="field-errors" id="{field_id}_error">(.*?)</div>', html, re.S)
    assert error, f"no error element for {field_id}"
    return re.sub(r"<[^>]+>", "", error.group(1)).strip()


def test_the_album_pages_forms_post_to_the_page_itself(client, owner, album):
    TrackFactory(artist=album.artist, title="Loose")
    client.force_login(owner)
    url = reverse("studio:album", args=[album.pk])

    html = client.get(url).content.decode()

    for marker in ('name="image"', 'name="release_at"', 'name="disc_number"', 'name="title"'):
        form = _form(html, marker)
        assert f'action="{url}"' in form or "action=" not in form, form[:200]


def test_a_refused_artwork_comes_back_on_the_album_page_next_to_its_field(client, owner, album):
    client.force_login(owner)
    url = reverse("studio:album", args=[album.pk])
    big = SimpleUploadedFile("cover.png", png_bytes(32, 32), content_type="image/png")

    response = client.post(url, {"form": "artwork", "image": big})

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == url
    html = response.content.decode()
    assert _described_error(html, "id_image") == "The image is 32×32 pixels; each side needs 64 at least."
    album.refresh_from_db()
    assert album.artwork.name == ""
    assert stored_names(f"albums/{album.pk}/") == []


def test_the_former_form_addresses_lead_back_to_their_page(client, owner, artist, album):
    client.force_login(owner)
    page = reverse("studio:album", args=[album.pk])

    for name in ("studio:album_artwork", "studio:album_schedule", "studio:album_tracks_add"):
        response = client.get(reverse(name, args=[album.pk]))
        assert (response.status_code, response["Location"]) == (302, page), name
    response = client.get(reverse("studio:album_create", args=[artist.slug]))
    assert (response.status_code, response["Location"]) == (302, reverse("studio:artist", args=[artist.slug]))


def test_a_schedule_in_the_past_is_refused_on_its_field(client, owner, album):
    album.artwork.name = "albums/x/640.jpg"
    album.save()
    TrackFactory(album=album, track_number=1)
    client.force_login(owner)
    url = reverse("studio:album", args=[album.pk])

    response = client.post(url, {"form": "schedule", "release_at": "2001-01-01T10:00"})

    assert response.status_code == 200
    assert _described_error(response.content.decode(), "id_release_at") == "A release must be scheduled in the future."
    album.refresh_from_db()
    assert album.status == Album.Status.DRAFT

    later = timezone.localtime() + timedelta(days=3)
    response = client.post(url, {"form": "schedule", "release_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response["Location"] == url
    album.refresh_from_db()
    assert album.status == Album.Status.SCHEDULED


def test_tracks_are_added_from_the_album_page(client, owner, artist, album):
    track = TrackFactory(artist=artist, title="Loose")
    client.force_login(owner)
    url = reverse("studio:album", args=[album.pk])

    response = client.post(url, {"form": "tracks", "tracks": [track.pk], "disc_number": 1})

    assert response["Location"] == url + "#tracks"
    track.refresh_from_db()
    assert track.album_id == album.pk


def test_a_refused_new_album_comes_back_on_the_dashboard_next_to_its_field(client, owner, artist):
    client.force_login(owner)
    url = reverse("studio:artist", args=[artist.slug])
    assert 'action="' not in _form(client.get(url).content.decode(), 'name="upc"')

    response = client.post(url, {"form": "album", "title": "X", "album_type": "album", "upc": "12"})

    assert response.status_code == 200
    assert _described_error(response.content.decode(), "id_upc") == "A UPC has 12 to 14 digits."
    assert not Album.objects.exists()

    response = client.post(url, {"form": "album", "title": "Snowglobe", "album_type": "album"})
    assert response["Location"] == reverse("studio:album", args=[Album.objects.get().pk])


def test_a_refused_ownership_transfer_comes_back_next_to_its_field(client, owner, artist):
    editor = ArtistMembershipFactory(artist=artist, user=UserFactory(), role=ArtistMembership.Role.EDITOR).user
    client.force_login(owner)
    url = reverse("studio:members", args=[artist.slug])
    assert 'action="' not in _form(client.get(url).content.decode(), "Transfer ownership</button>")

    response = client.post(url, {"form": "transfer", "user": UserFactory().pk})

    assert response.status_code == 200
    assert _described_error(response.content.decode(), "transfer_user")
    artist.refresh_from_db()
    assert artist.memberships.get(user=owner).role == ArtistMembership.Role.OWNER
    assert artist.memberships.get(user=editor).role == ArtistMembership.Role.EDITOR
