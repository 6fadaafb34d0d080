"""The playlist as search sees it: its document, and who may find it.

Registered with search in ``PlaylistsConfig.ready`` (search sits below
playlists and never imports them). Who may find a playlist is the rule of
:mod:`playlists.access`, the same as who may open it: public ones everyone;
unlisted and private ones their owner and, on a collaborative playlist, its
collaborators.
"""

from django.db.models import QuerySet
from django.urls import reverse

from playlists.access import playlists_private_to, playlists_visible_to
from playlists.models import Playlist
from search.documents import Document
from search.kinds import DocumentKind, kind_register


def _rows() -> QuerySet[Playlist]:
    return Playlist.objects.all()


def _documents(ids: list[int]) -> list[Document]:
    fields = (
        "pk",
        "name",
        "description",
        "visibility",
        "follower_count",
        "owner_id",
        "owner__username",
        "owner__display_name",
    )
    documents = []
    # Plain values, not model instances: a rebuild writes every playlist's document.
    for pk, name, description, visibility, followers, owner_id, username, display_name in (
        _rows().filter(pk__in=ids).values_list(*fields)
    ):
        owner = display_name or username
        documents.append(
            Document(
                kind="playlist",
                object_id=pk,
                name=name,
                subtitle=owner,
                context=f"{owner} {description}",
                popularity=followers,
                public=visibility == Playlist.Visibility.PUBLIC,
                owner_id=owner_id,
            )
        )
    return documents


def _suggestion(playlist: Playlist) -> tuple[str, str]:
    return f"Playlist · {playlist.owner.public_name}", reverse("playlists:detail", args=[playlist.pk])


def playlist_kind_register() -> None:
    kind_register(
        DocumentKind(
            name="playlist",
            rows=_rows,
            documents=_documents,
            popularity=lambda rows: rows.values_list("pk", "follower_count"),
            visible_to=lambda viewer: playlists_visible_to(viewer).select_related("owner"),
            suggestion=_suggestion,
            private_to=playlists_private_to,
        )
    )
