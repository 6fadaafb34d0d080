import pytest

from catalog.models import Album
from playlists.models import Playlist
from playlists.services.playlists import playlist_collaborator_add, playlist_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory


@pytest.fixture
def alice(db):
    """Owns the playlists."""
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    """Collaborates on alice's playlists when a test invites him."""
    return UserFactory(username="bob")


@pytest.fixture
def eve(db):
    """Nobody to alice's playlists."""
    return UserFactory(username="eve")


@pytest.fixture
def album(db):
    return AlbumFactory(status=Album.Status.PUBLISHED, title="Northern Lights")


@pytest.fixture
def tracks(album):
    """Ten ready tracks on a published album."""
    return [TrackFactory(album=album, title=f"Song {n}", track_number=n) for n in range(1, 11)]


@pytest.fixture
def playlist(alice):
    return playlist_create(owner=alice, name="Road trip")


@pytest.fixture
def shared_with_bob(alice, bob):
    """A private collaborative playlist of alice's that bob edits."""
    playlist = playlist_create(owner=alice, name="Together", visibility=Playlist.Visibility.PRIVATE)
    return playlist_collaborator_add(playlist=playlist, by=alice, user=bob)
