"""What a visitor may do with a playlist they look at, by id or through its share link."""

import pytest
from django.contrib.auth.models import AnonymousUser

from playlists import access, selectors
from playlists.models import Playlist, PlaylistCollaborator
from tests.playlists.factories import PlaylistFactory, items_bulk

UNLISTED, PUBLIC = Playlist.Visibility.UNLISTED, Playlist.Visibility.PUBLIC


@pytest.fixture
def shared(alice, bob, tracks):
    """Alice's unlisted, collaborative playlist with bob among its collaborators and one track."""
    playlist = PlaylistFactory(owner=alice, visibility=UNLISTED, collaborative=True, share_token="tok")
    PlaylistCollaborator.objects.create(playlist=playlist, user=bob)
    items_bulk(playlist, tracks[:1])
    return playlist


def _rights(playlist, user):
    rights = access.playlist_rights(playlist=playlist, user=user)
    return rights.is_owner, rights.can_edit, rights.can_copy


def test_through_its_share_link_a_stranger_reads_an_unlisted_playlist_but_may_not_copy_it(shared, alice, bob, eve):
    by_link = selectors.playlist_by_share_token(token="tok")
    assert _rights(by_link, alice) == (True, True, False)  # the owner's playlist is theirs already
    assert _rights(by_link, bob) == (False, True, True)
    assert _rights(by_link, eve) == (False, False, False)
    assert _rights(by_link, AnonymousUser()) == (False, False, False)

    Playlist.objects.filter(pk=shared.pk).update(visibility=PUBLIC)
    assert _rights(selectors.playlist_by_share_token(token="tok"), eve) == (False, False, True)


def test_collaborators_edit_only_while_the_playlist_is_collaborative_and_nobody_copies_an_empty_one(shared, bob):
    Playlist.objects.filter(pk=shared.pk).update(collaborative=False)
    closed = selectors.playlist_detail(playlist_id=shared.pk, viewer=shared.owner)
    assert _rights(closed, bob) == (False, False, False)

    empty = PlaylistFactory(owner=bob, visibility=PUBLIC)
    assert _rights(empty, bob) == (True, True, False)


def test_rights_read_the_collaborators_fetched_with_the_playlist(shared, bob, django_assert_num_queries):
    playlist = selectors.playlist_detail(playlist_id=shared.pk, viewer=bob)
    with django_assert_num_queries(0):
        assert _rights(playlist, bob) == (False, True, True)
