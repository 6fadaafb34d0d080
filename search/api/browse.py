"""GET /api/v1/browse/...: the browse pages' content, from the same cache."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.serializers import AlbumSerializer, TrackSerializer
from catalog.models import Album, Artist, Genre, Track
from search import browse
from search.api import serializers as s


class NewReleasesView(ListAPIView):
    """The newest published albums, newest first."""

    oauth_scopes = {"GET": None}

    permission_classes = [AllowAny]
    serializer_class = AlbumSerializer
    queryset = Album.objects.none()  # for the schema: the rows come from the browse cache

    def get_queryset(self) -> Any:
        return browse.new_releases()


class ChartView(ListAPIView):
    """The most played tracks of the whole catalog."""

    oauth_scopes = {"GET": None}

    permission_classes = [AllowAny]
    serializer_class = TrackSerializer
    queryset = Track.objects.none()  # for the schema: the rows come from the browse cache

    def get_queryset(self) -> Any:
        return browse.chart()


class ArtistBrowseView(APIView):
    """An artist's page: top tracks, albums by type, where they feature, and related artists."""

    oauth_scopes = {"GET": None}

    permission_classes = [AllowAny]

    @extend_schema(responses=s.ArtistBrowseSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            page = browse.artist_page(slug=slug)
        except Artist.DoesNotExist:
            raise Http404 from None
        body = {
            "artist": page.artist,
            "top_tracks": page.top_tracks,
            "albums_by_type": [{"type": label, "albums": albums} for label, albums in page.albums_by_type],
            "appears_on": page.appears_on,
            "related_artists": page.related,
        }
        return Response(s.ArtistBrowseSerializer(body, context={"request": request}).data)


class GenreBrowseView(APIView):
    """A genre's page: its most played tracks and its newest albums."""

    oauth_scopes = {"GET": None}

    permission_classes = [AllowAny]

    @extend_schema(responses=s.GenreBrowseSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            page = browse.genre_page(slug=slug)
        except Genre.DoesNotExist:
            raise Http404 from None
        body = {"genre": page.genre, "popular": page.popular, "albums": page.albums}
        return Response(s.GenreBrowseSerializer(body, context={"request": request}).data)
