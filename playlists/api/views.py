from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.metadata import SimpleMetadata
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.api.serializers import ImageUploadSerializer, InvitationAnswerSerializer
from catalog.artwork import ArtworkError
from core.scopes import scope_require
from playlists import access, selectors
from playlists.api import serializers as s
from playlists.models import Playlist, PlaylistInvitation
from playlists.services import StaleSnapshotError, invitations, items, library
from playlists.services import playlists as services


def _user(request: Request) -> User:
    return cast(User, request.user)


class StaleSnapshotConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_snapshot"
    default_detail = "The playlist has changed since you loaded it; reload it and try again."


class _SnapshotConflicts:
    """A stale snapshot id is a conflict (409), not a bad request."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, StaleSnapshotError):
            exc = StaleSnapshotConflict()
        return super().handle_exception(exc)  # type: ignore[misc]


PLAYLIST_MODIFY = ("playlist-modify-public", "playlist-modify-private")


def _modify_scope(visibility: str) -> str:
    """Public playlists are changed with playlist-modify-public; unlisted and private ones with -private."""
    return "playlist-modify-public" if visibility == Playlist.Visibility.PUBLIC else "playlist-modify-private"


def _snapshot(playlist: Playlist, code: int = status.HTTP_200_OK) -> Response:
    return Response({"snapshot_id": playlist.snapshot_id}, status=code)


class PlaylistViewSet(_SnapshotConflicts, viewsets.ModelViewSet):
    """Playlists: public ones for everyone; private and unlisted ones for their owner and collaborators.

    Collaborators add, remove and reorder tracks; only the owner changes the
    details, sharing and collaborators, or deletes it. Every write answers the
    new ``snapshot_id`` and accepts the one the client last saw.
    """

    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]
    # A write needs the scope of the playlist's visibility too (see _playlist): either one opens the door.
    oauth_scopes = {
        "list": None,
        "retrieve": None,
        "items:GET": None,
        "collaborators:GET": None,
        **dict.fromkeys(
            ("create", "update", "partial_update", "destroy", "items", "item_move", "collaborators", "collaborator"),
            PLAYLIST_MODIFY,
        ),
        "share": PLAYLIST_MODIFY,
        "cover": "ugc-image-upload",
        "copy": "playlist-modify-private",
        "followers": "user-follow-modify",
    }
    oauth_viewer_scope = "playlist-read-private"

    def get_queryset(self) -> QuerySet[Playlist]:
        return selectors.playlist_list(viewer=_user(self.request))

    def get_serializer_class(self) -> type:
        if self.action in {"create", "partial_update", "update"}:
            return s.PlaylistWriteSerializer
        return s.PlaylistDetailSerializer if self.action == "retrieve" else s.PlaylistSerializer

    def get_object(self) -> Playlist:
        try:
            return cast(Playlist, super().get_object())
        except Http404:
            raise exceptions.NotFound(gettext("No such playlist.")) from None

    def _playlist(self) -> Playlist:
        """The playlist the URL names; to change it, a token needs the scope of its visibility."""
        playlist = self.get_object()
        if self.request.method not in permissions.SAFE_METHODS and self.action != "followers":
            scope_require(self.request, _modify_scope(playlist.visibility))
        return playlist

    def _detail(self, playlist: Playlist, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.playlist_detail(playlist_id=playlist.pk, viewer=_user(self.request))
        return Response(s.PlaylistDetailSerializer(fresh, context={"request": self.request}).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            playlist = selectors.playlist_detail(playlist_id=int(kwargs["pk"]), viewer=_user(request))
        except (Playlist.DoesNotExist, ValueError):
            raise exceptions.NotFound(gettext("No such playlist.")) from None
        return Response(s.PlaylistDetailSerializer(playlist, context={"request": request}).data)

    @extend_schema(request=s.PlaylistWriteSerializer, responses={201: s.PlaylistDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.PlaylistWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("snapshot_id", None)
        if "name" not in data:
            raise exceptions.ValidationError({"name": [gettext("This field is required.")]})
        scope_require(request, _modify_scope(data.get("visibility", Playlist.Visibility.PUBLIC)))
        playlist = services.playlist_create(owner=_user(request), **data)
        return self._detail(playlist, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlaylistWriteSerializer, responses=s.PlaylistDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        playlist = self._playlist()
        body = s.PlaylistWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        snapshot_id = data.pop("snapshot_id", None)
        if "visibility" in data:
            scope_require(request, _modify_scope(data["visibility"]))
        playlist = services.playlist_update(playlist=playlist, by=_user(request), snapshot_id=snapshot_id, **data)
        return self._detail(playlist)

    @extend_schema(request=s.PlaylistWriteSerializer, responses=s.PlaylistDetailSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.playlist_delete(playlist=self._playlist(), by=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses=s.PlaylistItemSerializer(many=True),
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
    )
    @extend_schema(methods=["POST"], request=s.ItemsAddSerializer, responses={201: s.SnapshotSerializer})
    @extend_schema(methods=["PUT"], request=s.ItemsReorderSerializer, responses=s.SnapshotSerializer)
    @extend_schema(methods=["DELETE"], request=s.ItemsRemoveSerializer, responses=s.SnapshotSerializer)
    @action(detail=True, methods=["get", "post", "put", "delete"])
    def items(self, request: Request, pk: str) -> Response:
        """The tracks in order (GET, paginated); add (POST), move a range (PUT) or remove (DELETE) them."""
        playlist = self._playlist()
        if request.method == "GET":
            rows = selectors.playlist_items(playlist=playlist).prefetch_related(
                "track__featured_artists", "track__genres"
            )
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(s.PlaylistItemSerializer(page, many=True).data)
        if request.method == "POST":
            body = s.ItemsAddSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            playlist = items.playlist_items_add(playlist=playlist, by=_user(request), **body.validated_data)
            return _snapshot(playlist, status.HTTP_201_CREATED)
        if request.method == "PUT":
            move = s.ItemsReorderSerializer(data=request.data)
            move.is_valid(raise_exception=True)
            return _snapshot(items.playlist_items_reorder(playlist=playlist, by=_user(request), **move.validated_data))
        remove = s.ItemsRemoveSerializer(data=request.data)
        remove.is_valid(raise_exception=True)
        return _snapshot(items.playlist_items_remove(playlist=playlist, by=_user(request), **remove.validated_data))

    @extend_schema(request=s.ItemMoveSerializer, responses=s.SnapshotSerializer)
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/move")
    def item_move(self, request: Request, pk: str, item_id: str) -> Response:
        """Move one item before another (named by ids, so that concurrent edits do not change its meaning)."""
        playlist = self._playlist()
        body = s.ItemMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        playlist = items.playlist_item_move(
            playlist=playlist, by=_user(request), item_id=int(item_id), **body.validated_data
        )
        return _snapshot(playlist)

    @extend_schema(methods=["PUT"], request={"multipart/form-data": ImageUploadSerializer})
    @extend_schema(methods=["DELETE"], request=None)
    @extend_schema(responses=s.PlaylistDetailSerializer)
    @action(detail=True, methods=["put", "delete"], parser_classes=[MultiPartParser])
    def cover(self, request: Request, pk: str) -> Response:
        """Upload a cover (PUT), or drop it (DELETE) to show the mosaic of the first tracks again."""
        playlist = self._playlist()
        if request.method == "DELETE":
            return self._detail(services.playlist_cover_clear(playlist=playlist, by=_user(request)))
        upload = ImageUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            playlist = services.playlist_cover_set(
                playlist=playlist, by=_user(request), file=upload.validated_data["image"]
            )
        except ArtworkError as exc:
            raise exceptions.ValidationError({"image": [str(exc)]}) from exc
        return self._detail(playlist)

    @extend_schema(methods=["GET"], responses=s.CollaboratorSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.CollaboratorAddSerializer, responses={202: s.PlaylistInvitationSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def collaborators(self, request: Request, pk: str) -> Response:
        """Who may add, remove and reorder tracks, a page at a time; the owner invites people (POST).

        An invitation answers the same whether or not the address has an
        account: the person collaborates only once they accept it.
        """
        playlist = self._playlist()
        if request.method == "POST":
            access.require_owner(playlist=playlist, user=_user(request))
            body = s.CollaboratorAddSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            invitation = invitations.playlist_invitation_create(
                playlist=playlist,
                by=_user(request),
                invitee=body.validated_data["user"],
                base_url=request.build_absolute_uri("/"),
            )
            return Response(s.PlaylistInvitationSerializer(invitation).data, status=status.HTTP_202_ACCEPTED)
        page = self.paginate_queryset(selectors.playlist_collaborator_list(playlist_id=playlist.pk))
        return self.get_paginated_response(s.CollaboratorSerializer(page, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"collaborators/(?P<user_id>\d+)")
    def collaborator(self, request: Request, pk: str, user_id: str) -> Response:
        """The owner removes a collaborator; collaborators may remove themselves."""
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise exceptions.NotFound(gettext("Nobody has that id."))
        services.playlist_collaborator_remove(playlist=self._playlist(), by=_user(request), user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.PlaylistDetailSerializer)
    @action(detail=True, methods=["post", "delete"])
    def share(self, request: Request, pk: str) -> Response:
        """A new share link (POST; the old one stops working), or none (DELETE)."""
        playlist = self._playlist()
        if request.method == "DELETE":
            return self._detail(services.playlist_share_revoke(playlist=playlist, by=_user(request)))
        return self._detail(services.playlist_share_renew(playlist=playlist, by=_user(request)))

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"], permission_classes=[permissions.IsAuthenticated])
    def followers(self, request: Request, pk: str) -> Response:
        """Follow (PUT) or unfollow (DELETE) a public playlist: it shows in your library."""
        playlist = self._playlist()
        if request.method == "DELETE":
            services.playlist_unfollow(playlist=playlist, user=_user(request))
        else:
            services.playlist_follow(playlist=playlist, user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.CopySerializer, responses={201: s.PlaylistDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def copy(self, request: Request, pk: str) -> Response:
        """A new private playlist of yours with the same tracks."""
        playlist = self._playlist()
        body = s.CopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = services.playlist_copy(playlist=playlist, by=_user(request), name=body.validated_data.get("name", ""))
        return self._detail(copy, status.HTTP_201_CREATED)


def _invitation_missing() -> exceptions.NotFound:
    return exceptions.NotFound(
        gettext("No such invitation: it was answered, revoked or has expired, or it is someone else's.")
    )


PLAYLIST_PK = OpenApiParameter("playlist_pk", int, OpenApiParameter.PATH, description="The playlist's id.")


@extend_schema_view(list=extend_schema(parameters=[PLAYLIST_PK]), destroy=extend_schema(parameters=[PLAYLIST_PK]))
class PlaylistInvitationViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The owner's invitations to collaborate that wait for an answer; the owner revokes one (DELETE)."""

    serializer_class = s.PlaylistInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    oauth_scopes = {"list": "playlist-read-private", "destroy": "playlist-modify-private"}

    def _playlist(self) -> Playlist:
        """The playlist, if it is the caller's own: anyone else finds nothing here."""
        owned = selectors.playlist_list(viewer=_user(self.request)).filter(owner_id=_user(self.request).pk)
        playlist = owned.filter(pk=self.kwargs["playlist_pk"]).first()
        if playlist is None:
            raise exceptions.NotFound(gettext("No such playlist."))
        return playlist

    def get_queryset(self) -> QuerySet[PlaylistInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return PlaylistInvitation.objects.none()
        return selectors.playlist_invitation_list(playlist_id=self._playlist().pk)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            invitations.playlist_invitation_revoke(
                playlist=self._playlist(), by=_user(request), invitation_id=int(kwargs["pk"])
            )
        except (PlaylistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyPlaylistInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations to collaborate on playlists that wait for your answer; accept or decline each.

    One sent to your address is answered with the token of the mailed link
    (the link proves the address is yours); one sent to your username needs none.
    """

    serializer_class = s.MyPlaylistInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    oauth_scopes = {
        "list": "playlist-read-private",
        "accept": "playlist-modify-private",
        "decline": "playlist-modify-private",
    }

    def get_queryset(self) -> QuerySet[PlaylistInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return PlaylistInvitation.objects.none()
        return selectors.playlist_invitations_for(user=_user(self.request))

    def _token(self, request: Request) -> str:
        body = InvitationAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return str(body.validated_data.get("token", ""))

    @extend_schema(request=InvitationAnswerSerializer, responses=s.PlaylistSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Become a collaborator: add, remove and reorder the playlist's tracks."""
        token = self._token(request)
        try:
            playlist = invitations.playlist_invitation_accept(invitation_id=int(pk), user=_user(request), token=token)
        except (PlaylistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        fresh = selectors.playlist_detail(playlist_id=playlist.pk, viewer=_user(request))
        return Response(s.PlaylistSerializer(fresh, context={"request": request}).data)

    @extend_schema(request=InvitationAnswerSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """Say no: the invitation is gone."""
        token = self._token(request)
        try:
            invitations.playlist_invitation_decline(invitation_id=int(pk), user=_user(request), token=token)
        except (PlaylistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedPlaylistView(APIView):
    """A playlist opened by its share link's token (public or unlisted ones only)."""

    oauth_scopes = {"GET": None}

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.PlaylistDetailSerializer)
    def get(self, request: Request, token: str) -> Response:
        try:
            playlist = selectors.playlist_by_share_token(token=token)
        except Playlist.DoesNotExist:
            raise exceptions.NotFound(gettext("This share link does not open anything (any more).")) from None
        return Response(s.PlaylistDetailSerializer(playlist, context={"request": request}).data)


def _sort(request: Request, part: str) -> str:
    """The ``sort`` asked for, one of the part's names; a 400 in the error shape for any other."""
    params = s.LibrarySortSerializer(data=request.query_params, part=part)
    params.is_valid(raise_exception=True)
    return str(params.validated_data["sort"])


def _sort_parameter(part: str) -> OpenApiParameter:
    sorts = selectors.LIBRARY_SORTS[part]
    described = "; ".join(f"`{name}`: {label.lower()}" for name, (label, _) in sorts.items())
    return OpenApiParameter("sort", OpenApiTypes.STR, enum=list(sorts), description=f"The order ({described}).")


@extend_schema_view(get=extend_schema(parameters=[_sort_parameter("playlists")]))
class MyPlaylistsView(generics.ListAPIView):
    """Your playlists, those you collaborate on, and those you follow; most recently changed first unless sorted."""

    oauth_scopes = {"GET": "playlist-read-private"}

    serializer_class = s.PlaylistSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Playlist]:
        if getattr(self, "swagger_fake_view", False):
            return Playlist.objects.none()
        return selectors.playlist_list_mine(user=_user(self.request), sort=_sort(self.request, "playlists"))


class UserPlaylistsView(generics.ListAPIView):
    """Someone's public playlists."""

    oauth_scopes = {"GET": None}

    serializer_class = s.PlaylistSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Playlist]:
        if getattr(self, "swagger_fake_view", False):
            return Playlist.objects.none()
        owner = User.objects.filter(username__iexact=self.kwargs["username"], is_active=True).first()
        if owner is None:
            raise exceptions.NotFound(gettext("Nobody is called that here."))
        return selectors.playlist_list_public(owner=owner)


class _LibraryMetadata(SimpleMetadata):
    """OPTIONS on a part of the library: PUT and DELETE take a list of ids, not one of the rows listed.

    DRF's own would describe PUT by fetching the object it replaces, and a part of the library has none.
    """

    def determine_actions(self, request: Request, view: APIView) -> dict[str, Any]:
        return dict.fromkeys(("PUT", "DELETE"), self.get_serializer_info(s.IdsSerializer()))


class _LibraryView(generics.ListAPIView):
    """A part of your library: list it (GET), add to it (PUT) or take from it (DELETE) by ids."""

    permission_classes = [permissions.IsAuthenticated]
    metadata_class = _LibraryMetadata  # type: ignore[assignment]  # a class, as DRF wants; the stubs say an instance
    add: Any
    remove: Any
    ids_name: str

    def _change(self, request: Request, change: Any) -> Response:
        body = s.IdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change(user=_user(request), **{self.ids_name: body.validated_data["ids"]})
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.IdsSerializer, responses={204: None})
    def put(self, request: Request) -> Response:
        return self._change(request, type(self).add)

    @extend_schema(request=s.IdsSerializer, responses={204: None})
    def delete(self, request: Request) -> Response:
        return self._change(request, type(self).remove)


@extend_schema_view(get=extend_schema(parameters=[_sort_parameter("tracks")]))
class LikedTracksView(_LibraryView):
    """Your liked songs, newest first unless sorted; like (PUT) or unlike (DELETE) tracks by id."""

    oauth_scopes = {"GET": "user-library-read", "PUT": "user-library-modify", "DELETE": "user-library-modify"}

    serializer_class = s.LikedTrackSerializer
    add, remove, ids_name = library.tracks_like, library.tracks_unlike, "track_ids"

    def get_queryset(self) -> QuerySet[Any]:
        liked = selectors.liked_track_list(user=_user(self.request), sort=_sort(self.request, "tracks"))
        return liked.prefetch_related("track__featured_artists", "track__genres")


@extend_schema_view(get=extend_schema(parameters=[_sort_parameter("albums")]))
class SavedAlbumsView(_LibraryView):
    """Your saved albums, newest first unless sorted; save (PUT) or remove (DELETE) albums by id."""

    oauth_scopes = {"GET": "user-library-read", "PUT": "user-library-modify", "DELETE": "user-library-modify"}

    serializer_class = s.SavedAlbumSerializer
    add, remove, ids_name = library.albums_save, library.albums_unsave, "album_ids"

    def get_queryset(self) -> QuerySet[Any]:
        saved = selectors.saved_album_list(user=_user(self.request), sort=_sort(self.request, "albums"))
        return saved.prefetch_related("album__genres")


@extend_schema_view(get=extend_schema(parameters=[_sort_parameter("artists")]))
class FollowedArtistsView(_LibraryView):
    """The artists you follow, newest first unless sorted; follow (PUT) or unfollow (DELETE) artists by id."""

    oauth_scopes = {"GET": "user-follow-read", "PUT": "user-follow-modify", "DELETE": "user-follow-modify"}

    serializer_class = s.FollowedArtistSerializer
    add, remove, ids_name = library.artists_follow, library.artists_unfollow, "artist_ids"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.followed_artist_list(user=_user(self.request), sort=_sort(self.request, "artists"))


class LibraryContainsView(APIView):
    """For each id, whether it is in your library (in the order asked)."""

    permission_classes = [permissions.IsAuthenticated]
    kind = "track"

    @property
    def oauth_scopes(self) -> dict[str, str]:
        return {"GET": "user-follow-read" if self.kind == "artist" else "user-library-read"}

    @extend_schema(
        parameters=[OpenApiParameter("ids", OpenApiTypes.STR, description="Comma-separated ids, up to 50.")],
        responses={200: {"type": "array", "items": {"type": "boolean"}}},
    )
    def get(self, request: Request) -> Response:
        raw = [part.strip() for part in request.query_params.get("ids", "").split(",") if part.strip()]
        if not raw or len(raw) > library.MAX_IDS or not all(part.isascii() and part.isdigit() for part in raw):
            raise exceptions.ValidationError(
                {"ids": [gettext("Give 1 to %(MAX_IDS)s ids, separated by commas.") % {"MAX_IDS": library.MAX_IDS}]}
            )
        ids = [int(part) for part in raw]
        return Response(selectors.library_contains(user=_user(request), kind=self.kind, ids=ids))
