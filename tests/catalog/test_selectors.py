"""What each reader of the catalog sees: strangers the published catalog, members their artist's whole catalog."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from catalog import selectors
from catalog.models import Album, ArtistInvitation, ArtistMembership, Track
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, ArtistMembershipFactory, TrackFactory

pytestmark = pytest.mark.django_db

Status = Album.Status


@pytest.fixture
def owner():
    return UserFactory(username="owner")


@pytest.fixture
def artist(owner):
    return ArtistFactory(name="Aurora Fields", owner=owner)


@pytest.fixture
def albums(artist):
    """One album of the artist in each state, by its state."""
    later = timezone.now() + timedelta(days=3)
    return {
        status: AlbumFactory(
            artist=artist, title=status.label, status=status, release_at=later if status == Status.SCHEDULED else None
        )
        for status in Status
    }


def _titles(albums) -> list[str]:
    return sorted(album.title for album in albums)


def test_strangers_see_only_published_albums(albums):
    assert _titles(selectors.album_list(viewer=AnonymousUser())) == ["Published"]
    assert _titles(selectors.album_list(viewer=UserFactory())) == ["Published"]


def test_members_see_their_artist_drafts_scheduled_and_unpublished_albums(albums, artist, owner):
    editor = ArtistMembershipFactory(artist=artist, role=ArtistMembership.Role.EDITOR).user
    expected = ["Draft", "Published", "Scheduled", "Unpublished"]

    assert _titles(selectors.album_list(viewer=owner)) == expected
    assert _titles(selectors.album_list(viewer=editor)) == expected


def test_a_member_of_one_artist_sees_only_the_published_albums_of_another(albums, artist):
    elsewhere = ArtistFactory()
    member_elsewhere = ArtistMembershipFactory(artist=elsewhere).user
    AlbumFactory(artist=elsewhere, title="Their Draft")

    assert _titles(selectors.album_list(viewer=member_elsewhere)) == ["Published", "Their Draft"]


def test_staff_see_every_album(albums):
    staff = UserFactory(is_staff=True)

    assert _titles(selectors.album_list(viewer=staff)) == ["Draft", "Published", "Scheduled", "Unpublished"]


def test_a_stranger_asking_for_a_draft_by_its_id_finds_nothing(albums, owner):
    draft = albums[Status.DRAFT]

    with pytest.raises(Album.DoesNotExist):
        selectors.album_detail(album_id=draft.pk, viewer=UserFactory())
    with pytest.raises(Album.DoesNotExist):
        selectors.album_detail(album_id=albums[Status.SCHEDULED].pk, viewer=AnonymousUser())
    assert selectors.album_detail(album_id=draft.pk, viewer=owner) == draft


def test_the_album_of_a_stranger_holds_its_ready_tracks_only_in_running_order(albums, owner):
    album = albums[Status.PUBLISHED]
    TrackFactory(album=album, title="Second", track_number=2)
    TrackFactory(album=album, title="First", track_number=1)
    TrackFactory(album=album, title="Still processing", track_number=3, status=Track.Status.PROCESSING)
    TrackFactory(album=album, title="Failed", track_number=4, status=Track.Status.FAILED)

    for_stranger = selectors.album_detail(album_id=album.pk, viewer=AnonymousUser())
    for_owner = selectors.album_detail(album_id=album.pk, viewer=owner)

    assert [t.title for t in for_stranger.tracks.all()] == ["First", "Second"]
    assert [t.title for t in for_owner.tracks.all()] == ["First", "Second", "Still processing", "Failed"]


def test_listeners_find_ready_tracks_of_published_albums_only(albums, artist, owner):
    TrackFactory(album=albums[Status.PUBLISHED], title="Out", track_number=1)
    TrackFactory(album=albums[Status.SCHEDULED], title="Coming", track_number=1)
    TrackFactory(album=albums[Status.PUBLISHED], title="Processing", track_number=2, status=Track.Status.PROCESSING)
    TrackFactory(artist=artist, title="On no album")

    assert [t.title for t in selectors.track_list(viewer=UserFactory())] == ["Out"]
    assert sorted(t.title for t in selectors.track_list(viewer=owner)) == ["Coming", "On no album", "Out", "Processing"]


def test_uploads_are_the_tracks_of_the_artists_one_runs_newest_first(artist, owner):
    first = TrackFactory(artist=artist, title="First")
    second = TrackFactory(artist=artist, title="Second")
    TrackFactory(title="Someone else's")

    assert list(selectors.upload_list(user=owner)) == [second, first]
    assert list(selectors.upload_list(user=UserFactory())) == []
    assert list(selectors.upload_list(user=AnonymousUser())) == []


def test_editable_albums_and_artists_are_those_of_the_artists_one_belongs_to(albums, artist, owner):
    ArtistFactory(name="Someone Else")
    stranger = UserFactory()

    assert list(selectors.artist_list_editable(user=owner)) == [artist]
    assert list(selectors.artist_list_editable(user=stranger)) == []
    assert len(selectors.album_list_editable(user=owner)) == 4
    assert list(selectors.album_list_editable(user=stranger)) == []


def _invitation(artist, *, days: int = 14, **to) -> ArtistInvitation:
    return ArtistInvitation.objects.create(
        artist=artist,
        invitee=to.get("email") or to["user"].username,
        token_hash=hashlib.sha256(b"secret").hexdigest(),
        expires_at=timezone.now() + timedelta(days=days),
        **to,
    )


def test_invitations_for_a_person_are_those_to_their_username_or_address_still_pending(artist):
    person = UserFactory(username="robin", email="Robin@Example.com")
    by_name = _invitation(artist, user=person)
    by_address = _invitation(ArtistFactory(), email="robin@example.com")
    _invitation(ArtistFactory(), user=person, days=-1)  # expired
    _invitation(ArtistFactory(), email="someone@example.com")

    assert set(selectors.artist_invitations_for(user=person)) == {by_name, by_address}
    assert list(selectors.artist_invitations_for(user=AnonymousUser())) == []


def test_an_invitation_to_an_address_is_answerable_only_with_the_link_secret(artist):
    person = UserFactory(username="robin", email="robin@example.com")
    by_address = _invitation(artist, email="robin@example.com")
    right = hashlib.sha256(b"secret").hexdigest()
    wrong = hashlib.sha256(b"guess").hexdigest()

    assert list(selectors.artist_invitations_answerable(user=person)) == []
    assert list(selectors.artist_invitations_answerable(user=person, token_hash=wrong)) == []
    assert list(selectors.artist_invitations_answerable(user=person, token_hash=right)) == [by_address]
    assert list(selectors.artist_invitations_answerable(user=UserFactory(), token_hash=right)) == []


def test_an_artist_lists_its_pending_invitations_newest_first(artist):
    older = _invitation(artist, user=UserFactory())
    newer = _invitation(artist, email="new@example.com")
    _invitation(artist, user=UserFactory(), days=-1)
    _invitation(ArtistFactory(), email="other@example.com")

    assert list(selectors.artist_invitation_list(artist_id=artist.pk)) == [newer, older]
