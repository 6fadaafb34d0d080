"""Who may see and change a playlist.

- Public playlists: everyone sees them.
- Unlisted: the owner and collaborators by id; anyone else only through the
  share link (see ``playlist_by_share_token``).
- Private: the owner and collaborators only.

Collaborators of a collaborative playlist add, remove and reorder its tracks;
only the owner changes its details, visibility, sharing or deletes it. A
stranger asking for a playlist they may not see gets "not found", never
"forbidden": every lookup filters by what the user may see.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from playlists.models import Playlist, PlaylistCollaborator


def _collaborating(user: User) -> Exists:
    links = PlaylistCollaborator.objects.filter(playlist_id=OuterRef("pk"), user_id=user.pk)
    return Exists(links)


def _members(user: User) -> Q:
    """Owned by ``user``, or collaborative with ``user`` among its collaborators."""
    return Q(owner_id=user.pk) | Q(collaborative=True, collaborating=True)


def playlists_visible_to(user: User) -> QuerySet[Playlist]:
    """Every playlist ``user`` may open by its id."""
    public = Q(visibility=Playlist.Visibility.PUBLIC)
    if not user.is_authenticated:
        return Playlist.objects.filter(public)
    return Playlist.objects.alias(collaborating=_collaborating(user)).filter(public | _members(user))


def playlists_listed_for(user: User) -> QuerySet[Playlist]:
    """The playlists ``user`` may add tracks to: their own and those they collaborate on."""
    if not user.is_authenticated:
        return Playlist.objects.none()
    return Playlist.objects.alias(collaborating=_collaborating(user)).filter(_members(user))


def playlists_private_to(user: User) -> QuerySet[Playlist]:
    """The playlists ``user`` may open by id that not everyone may: their own and those they collaborate on."""
    return playlists_listed_for(user).exclude(visibility=Playlist.Visibility.PUBLIC)


def playlist_can_edit_items(*, playlist: Playlist, user: User) -> bool:
    """Whether ``user`` may add, remove and reorder the tracks: the owner, and collaborators while collaborative.

    Reads the collaborators fetched with the playlist when they were (``playlist_detail``), one query otherwise.
    """
    if not user.is_authenticated:
        return False
    if playlist.owner_id == user.pk:
        return True
    return playlist.collaborative and any(link.user_id == user.pk for link in playlist.collaborator_links.all())


def playlist_is_owner(*, playlist: Playlist, user: User) -> bool:
    return user.is_authenticated and playlist.owner_id == user.pk


@dataclass(frozen=True)
class PlaylistRights:
    """What ``user`` may do with a playlist they are looking at."""

    is_owner: bool
    can_edit: bool  # add, remove and reorder its tracks
    can_copy: bool  # make a copy of their own (never the owner's)


def playlist_rights(*, playlist: Playlist, user: User) -> PlaylistRights:
    """What ``user`` may do with ``playlist``, however they reached it (by id, or through its share link).

    A share link lets anyone read an unlisted playlist, not open it by id: only
    those who may open it by id (anyone when it is public, its owner and
    collaborators otherwise) may copy it, and only when it has tracks. Its owner
    has it among their playlists already: the page offers them no copy.
    """
    is_owner = playlist_is_owner(playlist=playlist, user=user)
    can_edit = is_owner or playlist_can_edit_items(playlist=playlist, user=user)
    opens_by_id = can_edit or playlist.visibility == Playlist.Visibility.PUBLIC
    can_copy = user.is_authenticated and not is_owner and playlist.item_count > 0 and opens_by_id
    return PlaylistRights(is_owner=is_owner, can_edit=can_edit, can_copy=can_copy)


def require_items_edit(*, playlist: Playlist, user: User) -> None:
    if not playlist_can_edit_items(playlist=playlist, user=user):
        raise PermissionDenied(_("Only the owner and the collaborators of this playlist can change its tracks."))


def require_owner(*, playlist: Playlist, user: User) -> None:
    if not playlist_is_owner(playlist=playlist, user=user):
        raise PermissionDenied(_("Only the owner of this playlist can do this."))
