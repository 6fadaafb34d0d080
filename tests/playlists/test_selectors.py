"""What the playlist and library reads let a listener see, and in which order."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Album, Track
from playlists import selectors
from playlists.models import LikedTrack, Playlist, PlaylistCollaborator, PlaylistFollow, PlaylistInvitation, SavedAlbum
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.playlists.factories import PlaylistFactory

PRIVATE, PUBLIC = Playlist.Visibility.PRIVATE, Playlist.Visibility.PUBLIC


def _names(rows):
    return [row.name for row in rows]


def test_my_playlists_are_mine_those_i_collaborate_on_and_those_i_follow_while_i_may_open_them(alice, bob, eve):
    PlaylistFactory(owner=bob, name="b-side", visibility=PRIVATE)
    PlaylistFactory(owner=bob, name="Anthems", visibility=PRIVATE)
    joined = PlaylistFactory(owner=alice, name="Carpool", visibility=PRIVATE, collaborative=True)
    PlaylistCollaborator.objects.create(playlist=joined, user=bob)
    closed = PlaylistFactory(owner=alice, name="Diary", visibility=PRIVATE, collaborative=False)
    PlaylistCollaborator.objects.create(playlist=closed, user=bob)  # not collaborative: not his to edit or see
    followed = PlaylistFactory(owner=eve, name="echoes", visibility=PUBLIC)
    hidden = PlaylistFactory(owner=eve, name="Fading", visibility=PUBLIC)
    PlaylistFollow.objects.create(user=bob, playlist=followed)
    PlaylistFollow.objects.create(user=bob, playlist=hidden)
    Playlist.objects.filter(pk=hidden.pk).update(visibility=PRIVATE)  # its owner hid it after he followed it
    PlaylistFactory(owner=eve, name="Glitter", visibility=PUBLIC)  # public, but not followed

    assert _names(selectors.playlist_list_mine(user=bob, sort="name")) == ["Anthems", "b-side", "Carpool", "echoes"]
    assert [row["name"] for row in selectors.playlist_menu(user=bob)] == ["Anthems", "b-side", "Carpool"]


def test_a_profile_lists_public_playlists_most_followed_first(alice):
    PlaylistFactory(owner=alice, name="Quiet", follower_count=1)
    PlaylistFactory(owner=alice, name="Loud", follower_count=9)
    PlaylistFactory(owner=alice, name="Secret", visibility=PRIVATE, follower_count=50)
    PlaylistFactory(name="Someone else's", follower_count=99)

    assert _names(selectors.playlist_list_public(owner=alice)) == ["Loud", "Quiet"]


def test_liked_songs_stay_listed_when_unavailable_but_saved_albums_only_while_out(alice):
    zed, abba = ArtistFactory(name="Zed"), ArtistFactory(name="abba")
    out = AlbumFactory(artist=zed, title="Out Now", status=Album.Status.PUBLISHED, published_at=timezone.now())
    other = AlbumFactory(artist=abba, title="Arrival", status=Album.Status.PUBLISHED, published_at=timezone.now())
    withdrawn = AlbumFactory(artist=zed, title="Pulled", status=Album.Status.UNPUBLISHED)
    for album in (out, other, withdrawn):
        SavedAlbum.objects.create(user=alice, album=album)
    for title, album in (("Zither", out), ("Waterloo", other), ("Gone", withdrawn)):
        LikedTrack.objects.create(user=alice, track=TrackFactory(title=title, album=album, status=Track.Status.READY))

    by_artist = selectors.saved_album_list(user=alice, sort="artist")
    assert [row.album.title for row in by_artist] == ["Arrival", "Out Now"]
    liked = selectors.liked_track_list(user=alice, sort="artist")
    assert [row.track.title for row in liked] == ["Waterloo", "Gone", "Zither"]


def test_an_invitation_to_an_address_is_answerable_only_with_the_mailed_token(alice, bob):
    bob.email = "Bob@Example.com"
    bob.save(update_fields=["email"])
    playlist = PlaylistFactory(owner=alice)
    later = timezone.now() + timedelta(days=1)

    def invite(**fields):
        return PlaylistInvitation.objects.create(
            **{"playlist": playlist, "invited_by": alice, "expires_at": later, **fields}
        )

    by_name = invite(user=bob, invitee="bob", token_hash="a" * 64)
    by_mail = invite(email="bob@example.com", invitee="bob@example.com", token_hash="b" * 64)
    expired = {"playlist": PlaylistFactory(owner=alice), "expires_at": timezone.now() - timedelta(minutes=1)}
    invite(user=bob, invitee="bob", token_hash="c" * 64, **expired)

    assert list(selectors.playlist_invitations_for(user=bob)) == [by_mail, by_name]
    assert list(selectors.playlist_invitations_answerable(user=bob)) == [by_name]
    assert set(selectors.playlist_invitations_answerable(user=bob, token_hash="b" * 64)) == {by_name, by_mail}
    assert list(selectors.playlist_invitations_answerable(user=UserFactory(), token_hash="b" * 64)) == []
