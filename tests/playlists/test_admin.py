import pytest

from playlists.models import FollowedArtist, LikedTrack, Playlist, PlaylistFollow, PlaylistItem, SavedAlbum
from playlists.services.library import albums_save, artists_follow, tracks_like
from playlists.services.playlists import playlist_create, playlist_follow
from tests.accounts.factories import UserFactory
from tests.playlists.factories import items_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", [Playlist, PlaylistItem, LikedTrack, SavedAlbum, FollowedArtist, PlaylistFollow])
def test_admin_list_pages_do_not_query_per_row(
    admin_client_, alice, eve, tracks, album, model, django_assert_max_num_queries
):
    for n in range(15):
        playlist = playlist_create(owner=alice, name=f"Mix {n}")
        playlist_follow(playlist=playlist, user=eve)
    items_bulk(playlist, tracks, repeat=3)
    tracks_like(user=alice, track_ids=[t.pk for t in tracks])
    albums_save(user=alice, album_ids=[album.pk])
    artists_follow(user=alice, artist_ids=[album.artist_id])

    with django_assert_max_num_queries(10):
        response = admin_client_.get(f"/admin/playlists/{model._meta.model_name}/")
    assert response.status_code == 200


def test_the_playlist_admin_page_opens(admin_client_, playlist):
    assert admin_client_.get(f"/admin/playlists/playlist/{playlist.pk}/change/").status_code == 200
