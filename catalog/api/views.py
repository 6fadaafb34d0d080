from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.selectors import user_find
from catalog import selectors
from catalog.api import serializers as s
from catalog.artwork import ArtworkError
from catalog.models import Album, Artist, Genre, Track
from catalog.services import albums, artists, tracks
from catalog.uploads import upload_refusals


def _user(request: Request) -> User:
    return cast(User, request.user)


def _person(identifier: str) -> User:
    user = user_find(identifier=identifier)
    if user is None:
        raise ValidationError({"user": [f"Nobody is called {identifier!r} here."]})
    return user


class GenreViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Genre.objects.order_by("name")
    serializer_class = s.GenreSerializer
    lookup_field = "slug"


class ArtistViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Artists, and who runs them. Whoever creates an artist owns it."""

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
        return Response(s.ArtistSerializer(artist).data)

    @extend_schema(request=s.MemberAddSerializer, responses=s.MemberSerializer(many=True))
    @action(detail=True, methods=["get", "post"], permission_classes=[permissions.IsAuthenticated])
    def members(self, request: Request, pk: str) -> Response:
        """The artist's members (members only); owners add people."""
        artist = self.get_object()
        if request.method == "POST":
            body = s.MemberAddSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            user = _person(body.validated_data["user"])
            artists.artist_member_add(artist=artist, by=_user(request), user=user, role=body.validated_data["role"])
        elif not selectors.artist_list_editable(user=_user(request)).filter(pk=artist.pk).exists():
            return Response(status=status.HTTP_404_NOT_FOUND)
        members = selectors.artist_members(artist_id=artist.pk)
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(s.MemberSerializer(members, many=True).data, status=code)

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
        artists.artist_ownership_transfer(artist=artist, by=_user(request), to=_person(body.validated_data["user"]))
        return Response(s.MemberSerializer(selectors.artist_members(artist_id=artist.pk), many=True).data)


class AlbumFilter(filters.FilterSet):
    artist = filters.NumberFilter(field_name="artist_id")
    genre = filters.CharFilter(field_name="genres__slug")
    status = filters.ChoiceFilter(choices=Album.Status.choices)
    album_type = filters.ChoiceFilter(choices=Album.Type.choices)

    class Meta:
        model = Album
        fields = ("artist", "genre", "status", "album_type")


class AlbumViewSet(viewsets.ModelViewSet):
    """Albums: published ones for everyone, drafts for the artist's members."""

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
            return Response(status=status.HTTP_404_NOT_FOUND)
        return Response(s.AlbumDetailSerializer(album).data)

    def _detail(self, album: Album) -> Response:
        return Response(
            s.AlbumDetailSerializer(selectors.album_detail(album_id=album.pk, viewer=_user(self.request))).data
        )

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
    artist = filters.NumberFilter(field_name="artist_id")
    album = filters.NumberFilter(field_name="album_id")
    genre = filters.CharFilter(field_name="genres__slug")

    class Meta:
        model = Track
        fields = ("artist", "album", "genre")


class TrackViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tracks: ready tracks of published albums for everyone, all of an artist's for its members."""

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
        """Process the uploaded original again (after a failure, say)."""
        track = tracks.track_reprocess(track=self.get_object(), by=_user(request))
        return Response(s.UploadSerializer(track).data)


class UploadViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Upload audio for an artist you are a member of, then follow its processing here."""

    serializer_class = s.UploadSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = {"status": ["exact"], "artist": ["exact"], "album": ["exact", "isnull"]}

    def get_queryset(self) -> QuerySet[Track]:
        return selectors.upload_list(user=_user(self.request))

    @extend_schema(request={"multipart/form-data": s.UploadCreateSerializer}, responses={201: s.UploadSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.UploadCreateSerializer(data=request.data)
        refused = upload_refusals(request._request)  # known once the body is read
        if refused:
            raise ValidationError({"file": [reason for _name, reason in refused]})
        body.is_valid(raise_exception=True)
        artist = get_object_or_404(Artist, pk=body.validated_data["artist"])
        track = tracks.track_upload(artist=artist, by=_user(request), file=body.validated_data["file"])
        track = selectors.upload_list(user=_user(request)).get(pk=track.pk)
        return Response(s.UploadSerializer(track).data, status=status.HTTP_201_CREATED)
