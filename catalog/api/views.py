from typing import Any, cast

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from catalog import selectors
from catalog.access import require_manage
from catalog.api import serializers as s
from catalog.artwork import ArtworkError
from catalog.models import Album, Artist, ArtistInvitation, Genre, Track
from catalog.services import albums, artists, invitations, tracks
from catalog.uploads import upload_refusals, upload_request_refusal
from core.ids import IdFilter

# The actions by which an artist's members change their music: a third-party app needs artist-upload.
ARTIST_WRITES = (
    "create",
    "update",
    "partial_update",
    "destroy",
    "artwork",
    "tracks",
    "track",
    "order",
    "publish",
    "unpublish",
    "schedule",
    "reprocess",
)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _member(artist: Artist, identifier: str) -> User:
    """One of the artist's members, by username or address: anyone else is nobody here."""
    identifier = identifier.strip()
    found = (
        selectors.artist_members(artist_id=artist.pk)
        .filter(Q(user__username__iexact=identifier) | Q(user__email__iexact=identifier))
        .first()
    )
    if found is None:
        raise ValidationError({"user": [_("Only a member can become owner: invite them first.")]})
    return found.user


class GenreViewSet(viewsets.ReadOnlyModelViewSet):
    oauth_scopes = {"list": None, "retrieve": None}
    queryset = Genre.objects.order_by("name")
    serializer_class = s.GenreSerializer
    lookup_field = "slug"


class ArtistViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Artists, and who runs them. Whoever creates an artist owns it."""

    oauth_scopes = {
        "list": None,
        "retrieve": None,
        "mine": "artist-read",
        "create": "artist-admin",
        "update": "artist-upload",
        "partial_update": "artist-upload",
        "image": "artist-upload",
        "members:GET": "artist-read",
        "members": "artist-admin",
        "member": "artist-admin",
        "transfer_ownership": "artist-admin",
    }

    serializer_class = s.ArtistSerializer
    filterset_fields = {"verified": ["exact"], "name": ["iexact", "istartswith"]}
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Artist]:
        if self.action == "mine":
            return selectors.artist_list_editable(user=_user(self.request))
        return selectors.artist_list()

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = artists.artist_create(
            name=serializer.validated_data["name"],
            owner=_user(self.request),
            bio=serializer.validated_data.get("bio", ""),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = artists.artist_update(
            artist=serializer.instance, by=_user(self.request), **serializer.validated_data
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return super().update(request, *args, **kwargs)

    @extend_schema(responses=s.ArtistSerializer(many=True))
    @action(detail=False, permission_classes=[permissions.IsAuthenticated])
    def mine(self, request: Request) -> Response:
        """The artists you are a member of."""
        return self.list(request)

    @extend_schema(request={"multipart/form-data": s.ImageUploadSerializer}, responses=s.ArtistSerializer)
    @action(
        detail=True, methods=["put"], parser_classes=[MultiPartParser], permission_classes=[permissions.IsAuthenticated]
    )
    def image(self, request: Request, pk: str) -> Response:
        artist = self.get_object()
        upload = s.ImageUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            artist = artists.artist_image_set(artist=artist, by=_user(request), file=upload.validated_data["image"])
        except ArtworkError as exc:
            raise ValidationError({"image": [str(exc)]}) from exc
        return Response(s.ArtistSerializer(artist, context={"request": request}).data)

    @extend_schema(methods=["GET"], responses=s.MemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.MemberAddSerializer, responses={202: s.ArtistInvitationSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=[permissions.IsAuthenticated], filter_backends=[])
    def members(self, request: Request, pk: str) -> Response:
        """The artist's members, a page at a time (members only); owners invite people (POST).

        An invitation answers the same whether or not the address has an
        account: the person becomes a member only by accepting it.
        """
        artist = self.get_object()
        if request.method == "POST":
            body = s.MemberAddSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            invitation = invitations.artist_invitation_create(
                artist=artist,
                by=_user(request),
                invitee=body.validated_data["user"],
                role=body.validated_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
            return Response(s.ArtistInvitationSerializer(invitation).data, status=status.HTTP_202_ACCEPTED)
        if not selectors.artist_list_editable(user=_user(request)).filter(pk=artist.pk).exists():
            raise NotFound(_("No such artist."))
        page = self.paginate_queryset(selectors.artist_members(artist_id=artist.pk))
        return self.get_paginated_response(s.MemberSerializer(page, many=True).data)

    @extend_schema(request=s.MemberRoleSerializer, responses=s.MemberSerializer(many=True))
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<user_id>\d+)",
        permission_classes=[permissions.IsAuthenticated],
    )
    def member(self, request: Request, pk: str, user_id: str) -> Response:
        """Owners change a member's role or remove them; anyone may leave."""
        artist = self.get_object()
        user = get_object_or_404(User, pk=user_id)
        if request.method == "DELETE":
            artists.artist_member_remove(artist=artist, by=_user(request), user=user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        body = s.MemberRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        artists.artist_member_role_set(artist=artist, by=_user(request), user=user, role=body.validated_data["role"])
        return Response(s.MemberSerializer(selectors.artist_members(artist_id=artist.pk), many=True).data)

    @extend_schema(request=s.OwnershipTransferSerializer, responses=s.MemberSerializer(many=True))
    @action(
        detail=True, methods=["post"], url_path="transfer-ownership", permission_classes=[permissions.IsAuthenticated]
    )
    def transfer_ownership(self, request: Request, pk: str) -> Response:
        """Make someone else owner; you stay on as an editor."""
        artist = self.get_object()
        body = s.OwnershipTransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to = _member(artist, body.validated_data["user"])
        artists.artist_ownership_transfer(artist=artist, by=_user(request), to=to)
        return Response(s.MemberSerializer(selectors.artist_members(artist_id=artist.pk), many=True).data)


def _invitation_missing() -> NotFound:
    return NotFound(_("No such invitation: it was answered, revoked or has expired, or it is someone else's."))


ARTIST_PK = OpenApiParameter("artist_pk", int, OpenApiParameter.PATH, description="The artist's id.")


@extend_schema_view(list=extend_schema(parameters=[ARTIST_PK]), destroy=extend_schema(parameters=[ARTIST_PK]))
class ArtistInvitationViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The invitations an artist's owners sent that wait for an answer; an owner revokes one (DELETE)."""

    serializer_class = s.ArtistInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    oauth_scopes = {"list": "artist-read", "destroy": "artist-admin"}

    def _artist(self) -> Artist:
        return get_object_or_404(selectors.artist_list_editable(user=_user(self.request)), pk=self.kwargs["artist_pk"])

    def get_queryset(self) -> QuerySet[ArtistInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return ArtistInvitation.objects.none()
        artist = self._artist()
        require_manage(artist_id=artist.pk, user=_user(self.request))
        return selectors.artist_invitation_list(artist_id=artist.pk)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            invitations.artist_invitation_revoke(
                artist=self._artist(), by=_user(request), invitation_id=int(kwargs["pk"])
            )
        except (ArtistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyArtistInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations to help run an artist that wait for your answer; accept or decline each.

    One sent to your address is answered with the token of the mailed link
    (the link proves the address is yours); one sent to your username needs none.
    """

    serializer_class = s.MyArtistInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    oauth_scopes = {"list": "user-read-private", "accept": "artist-admin", "decline": "artist-admin"}

    def get_queryset(self) -> QuerySet[ArtistInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return ArtistInvitation.objects.none()
        return selectors.artist_invitations_for(user=_user(self.request))

    def _token(self, request: Request) -> str:
        body = s.InvitationAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return str(body.validated_data.get("token", ""))

    @extend_schema(request=s.InvitationAnswerSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Become a member of the artist, with the role you were invited to."""
        token = self._token(request)
        try:
            membership = invitations.artist_invitation_accept(invitation_id=int(pk), user=_user(request), token=token)
        except (ArtistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(request=s.InvitationAnswerSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        """Say no: the invitation is gone."""
        token = self._token(request)
        try:
            invitations.artist_invitation_decline(invitation_id=int(pk), user=_user(request), token=token)
        except (ArtistInvitation.DoesNotExist, ValueError):
            raise _invitation_missing() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlbumFilter(filters.FilterSet):
    artist = IdFilter(field_name="artist_id")
    genre = filters.CharFilter(field_name="genres__slug")
    status = filters.ChoiceFilter(choices=Album.Status.choices)
    album_type = filters.ChoiceFilter(choices=Album.Type.choices)

    class Meta:
        model = Album
        fields = ("artist", "genre", "status", "album_type")


class AlbumViewSet(viewsets.ModelViewSet):
    """Albums: published ones for everyone, drafts for the artist's members."""

    oauth_scopes = {"list": None, "retrieve": None, **dict.fromkeys(ARTIST_WRITES, "artist-upload")}
    # Without artist-read, a third-party token sees what anyone sees: no drafts.
    oauth_viewer_scope = "artist-read"

    filterset_class = AlbumFilter
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Album]:
        return selectors.album_list(viewer=_user(self.request)).order_by("-release_date", "-id")

    def get_serializer_class(self) -> type:
        if self.action in {"create", "partial_update", "update"}:
            return s.AlbumWriteSerializer
        return s.AlbumDetailSerializer if self.action == "retrieve" else s.AlbumSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            album = selectors.album_detail(album_id=int(kwargs["pk"]), viewer=_user(request))
        except (Album.DoesNotExist, ValueError):
            raise NotFound(_("No such album.")) from None
        return Response(s.AlbumDetailSerializer(album, context={"request": request}).data)

    def _detail(self, album: Album) -> Response:
        detail = selectors.album_detail(album_id=album.pk, viewer=_user(self.request))
        return Response(s.AlbumDetailSerializer(detail, context={"request": self.request}).data)

    @extend_schema(request=s.AlbumWriteSerializer, responses={201: s.AlbumDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.AlbumWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "artist" not in data or "title" not in data:
            raise ValidationError(
                {name: ["This field is required."] for name in ("artist", "title") if name not in data}
            )
        artist = get_object_or_404(Artist, pk=data.pop("artist"))
        album = albums.album_create(artist_id=artist.pk, by=_user(request), **data)
        response = self._detail(album)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.AlbumWriteSerializer, responses=s.AlbumDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        album = self.get_object()
        body = s.AlbumWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("artist", None)
        return self._detail(albums.album_update(album=album, by=_user(request), **data))

    @extend_schema(request=s.AlbumWriteSerializer, responses=s.AlbumDetailSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        albums.album_delete(album=self.get_object(), by=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request={"multipart/form-data": s.ImageUploadSerializer}, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["put"], parser_classes=[MultiPartParser])
    def artwork(self, request: Request, pk: str) -> Response:
        album = self.get_object()
        upload = s.ImageUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            album = albums.album_artwork_set(album=album, by=_user(request), file=upload.validated_data["image"])
        except ArtworkError as exc:
            raise ValidationError({"image": [str(exc)]}) from exc
        return self._detail(album)

    @extend_schema(request=s.AlbumTracksAddSerializer, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["post"])
    def tracks(self, request: Request, pk: str) -> Response:
        """Append the artist's tracks to the album, in the order given."""
        album = self.get_object()
        body = s.AlbumTracksAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        albums.album_tracks_add(album=album, by=_user(request), **body.validated_data)
        return self._detail(album)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"tracks/(?P<track_id>\d+)")
    def track(self, request: Request, pk: str, track_id: str) -> Response:
        """Take a track off the album; it stays among the artist's uploads."""
        albums.album_track_remove(album=self.get_object(), by=_user(request), track_id=int(track_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.AlbumOrderSerializer, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["put"], url_path="tracks/order")
    def order(self, request: Request, pk: str) -> Response:
        """Set the running order: every track of the album once, with its disc."""
        album = self.get_object()
        body = s.AlbumOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = [(item["track"], item["disc"]) for item in body.validated_data["order"]]
        albums.album_tracks_reorder(album=album, by=_user(request), order=order)
        return self._detail(album)

    @extend_schema(request=None, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._detail(albums.album_publish(album=self.get_object(), by=_user(request)))

    @extend_schema(request=None, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        return self._detail(albums.album_unpublish(album=self.get_object(), by=_user(request)))

    @extend_schema(request=s.AlbumScheduleSerializer, responses=s.AlbumDetailSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        album = self.get_object()
        body = s.AlbumScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._detail(albums.album_schedule(album=album, by=_user(request), **body.validated_data))


class TrackFilter(filters.FilterSet):
    artist = IdFilter(field_name="artist_id")
    album = IdFilter(field_name="album_id")
    genre = filters.CharFilter(field_name="genres__slug")

    class Meta:
        model = Track
        fields = ("artist", "album", "genre")


class TrackViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tracks: ready tracks of published albums for everyone, all of an artist's for its members."""

    oauth_scopes = {"list": None, "retrieve": None, **dict.fromkeys(ARTIST_WRITES, "artist-upload")}
    oauth_viewer_scope = "artist-read"

    serializer_class = s.TrackSerializer
    filterset_class = TrackFilter
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Track]:
        return selectors.track_list(viewer=_user(self.request)).order_by("id")

    @extend_schema(request=s.TrackUpdateSerializer, responses=s.UploadSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        track = self.get_object()
        body = s.TrackUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        track = tracks.track_update(track=track, by=_user(request), **body.validated_data)
        return Response(s.UploadSerializer(selectors.upload_list(user=_user(request)).get(pk=track.pk)).data)

    def perform_destroy(self, instance: Track) -> None:
        tracks.track_delete(track=instance, by=_user(self.request))

    @extend_schema(request=None, responses=s.UploadSerializer)
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str) -> Response:
        """Process the uploaded original again (after a failure, say): once per track in ten minutes."""
        try:
            track = tracks.track_reprocess(track=self.get_object(), by=_user(request))
        except tracks.ReprocessTooSoonError as exc:
            raise Throttled(wait=exc.retry_after, detail=exc.message) from exc
        return Response(s.UploadSerializer(track).data)


class StorageUnavailable(APIException):
    """The file store is down: nothing was kept, and the same upload later may work (503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = tracks.StorageUnavailableError.message
    default_code = "storage_unavailable"


class UploadViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Upload audio for an artist you are a member of, then follow its processing here."""

    oauth_scopes = {"GET": "artist-read", "create": "artist-upload"}

    serializer_class = s.UploadSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = {"status": ["exact"], "artist": ["exact"], "album": ["exact", "isnull"]}

    def get_queryset(self) -> QuerySet[Track]:
        return selectors.upload_list(user=_user(self.request))

    @extend_schema(request={"multipart/form-data": s.UploadCreateSerializer}, responses={201: s.UploadSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.UploadCreateSerializer(data=request.data)
        # Both are known once the body is read.
        too_much = upload_request_refusal(request._request)
        if too_much is not None:
            raise too_much
        refused = upload_refusals(request._request)
        if refused:
            raise ValidationError({"file": [reason for _name, reason in refused]})
        body.is_valid(raise_exception=True)
        artist = get_object_or_404(Artist, pk=body.validated_data["artist"])
        try:
            track = tracks.track_upload(
                artist=artist,
                by=_user(request),
                file=body.validated_data["file"],
                lyrics=body.validated_data.get("lyrics"),
            )
        except tracks.StorageUnavailableError as exc:
            raise StorageUnavailable from exc
        track = selectors.upload_list(user=_user(request)).get(pk=track.pk)
        return Response(s.UploadSerializer(track).data, status=status.HTTP_201_CREATED)
