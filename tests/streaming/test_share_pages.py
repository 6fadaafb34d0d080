"""How pages look to visitors without an account: link cards (Open Graph, Twitter) and the offer of previews."""

import re
from typing import Any

import pytest

from catalog.models import Album
from playlists.models import Playlist
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_create, playlist_share_renew
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db
BUDGET = 12  # a listener page's most (tests/spotifyclone/test_page_budget.py), for visitors too


def _meta(page: str) -> dict[str, str]:
    """The page's Open Graph and Twitter tags, by property or name."""
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)">', page)
    return dict(found)


@pytest.fixture
def album() -> Album:
    artist = ArtistFactory(name="Aurora Fields", slug="aurora-fields", bio="Ambient music from the far north.")
    album = AlbumFactory(artist=artist, title="Northern Lights", status=Album.Status.PUBLISHED, artwork="albums/n.png")
    for number in (1, 2):
        TrackFactory(album=album, artist=artist, title=f"Polar Night {number}", track_number=number)
    return album


def test_an_album_page_is_a_card_with_absolute_artwork_and_offers_previews(
    client: Any, album: Album, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(BUDGET):
        page = client.get(f"/albums/{album.pk}/").content.decode()

    meta = _meta(page)
    assert meta["og:type"] == "music.album"
    assert meta["og:title"] == "Northern Lights"
    assert meta["og:description"] == "Album by Aurora Fields · 2 tracks"
    assert meta["og:url"] == f"http://testserver/albums/{album.pk}/"
    assert meta["og:image"].startswith(("http://testserver/", "http://127.0.0.1:"))  # the site's or storage's
    assert "640" in meta["og:image"]
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert 'id="preview-player"' in page
    assert "30-second previews" in page
    assert f'href="/accounts/signup/?next=/albums/{album.pk}/"' in page


def test_a_track_link_is_a_song_card(client: Any, album: Album) -> None:
    track = album.tracks.get(track_number=2)

    meta = _meta(client.get(f"/albums/{album.pk}/", {"track": track.pk}).content.decode())

    assert meta["og:type"] == "music.song"
    assert meta["og:title"] == "Polar Night 2"
    assert meta["og:url"] == f"http://testserver/albums/{album.pk}/?track={track.pk}"


def test_an_artist_page_is_a_profile_card(client: Any, album: Album) -> None:
    meta = _meta(client.get("/artists/aurora-fields/").content.decode())

    assert meta["og:type"] == "profile"
    assert meta["og:title"] == "Aurora Fields"
    assert meta["og:description"] == "Ambient music from the far north."
    assert meta["og:url"] == "http://testserver/artists/aurora-fields/"


def test_a_shared_playlist_is_a_card_and_a_private_one_gives_nothing_away(
    client: Any, album: Album, django_assert_max_num_queries: Any
) -> None:
    owner = UserFactory(username="alice")
    playlist = playlist_create(owner=owner, name="Road trip", visibility=Playlist.Visibility.UNLISTED)
    playlist_items_add(playlist=playlist, by=owner, track_ids=list(album.tracks.values_list("pk", flat=True)))
    playlist = playlist_share_renew(playlist=playlist, by=owner)
    Playlist.objects.filter(pk=playlist.pk).update(mosaic="playlists/mosaic.png")  # made by a task, after commit
    shared = f"/playlists/shared/{playlist.share_token}/"

    with django_assert_max_num_queries(BUDGET):
        page = client.get(shared).content.decode()

    meta = _meta(page)
    assert meta["og:type"] == "music.playlist"
    assert meta["og:title"] == "Road trip"
    assert meta["og:url"] == f"http://testserver{shared}"
    assert meta["og:image"].startswith(("http://testserver/", "http://127.0.0.1:"))
    assert 'id="preview-player"' in page

    Playlist.objects.filter(pk=playlist.pk).update(visibility=Playlist.Visibility.PRIVATE)
    for url in (shared, f"/playlists/{playlist.pk}/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Road trip" not in response.content.decode()
        assert _meta(response.content.decode()) == {}
    client.force_login(owner)  # even its owner's own page carries no card
    assert _meta(client.get(f"/playlists/{playlist.pk}/").content.decode()) == {}


def test_signed_in_listeners_get_the_player_not_the_previews(client: Any, album: Album) -> None:
    client.force_login(UserFactory())

    page = client.get(f"/albums/{album.pk}/").content.decode()

    assert 'id="preview-player"' not in page
    assert _meta(page)["og:type"] == "music.album"


def test_signing_up_from_a_preview_comes_back_to_the_page(client: Any, album: Album) -> None:
    form = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "display_name": "New",
        "password1": "a-long-enough-password-1",
        "password2": "a-long-enough-password-1",
    }
    response = client.post(f"/accounts/signup/?next=/albums/{album.pk}/", form)
    assert response.status_code == 302
    assert response["Location"] == f"/albums/{album.pk}/"

    client.logout()
    form = {**form, "username": "other", "email": "other@example.com"}
    response = client.post("/accounts/signup/?next=https://elsewhere.example/", form)
    assert response["Location"] == "/"
