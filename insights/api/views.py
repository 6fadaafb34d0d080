from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.access import artists_editable_by
from catalog.models import Track
from insights import selectors
from insights.api import serializers as s
from insights.periods import PERIODS, Period


def _period(request: Request) -> Period:
    query = s.InsightsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return PERIODS[query.validated_data["period"]]


class ArtistInsightsView(APIView):
    """An artist's streams, listeners, saves, playlist adds, countries and sources, for its members.

    The last 24 hours are live; longer periods are read from the daily
    roll-up. 404 for an artist you are not a member of.
    """

    oauth_scopes = {"GET": "artist-read"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[s.InsightsQuerySerializer], responses=s.ArtistInsightsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        artist = get_object_or_404(artists_editable_by(cast(User, request.user)), pk=pk)
        period = _period(request)
        insights = selectors.item_insights(kind="artist", item_id=artist.pk, period=period)
        body: dict[str, Any] = {
            "figures": insights.figures,
            "totals": insights.totals,
            "artist": {"id": artist.pk, "name": artist.name},
            "top_tracks": selectors.artist_top_tracks(artist_id=artist.pk, period=period),
        }
        return Response(s.ArtistInsightsSerializer(body).data)


class TrackInsightsView(APIView):
    """A track's figures, as its artist's are, with its skip rate. 404 unless you are a member of its artist."""

    oauth_scopes = {"GET": "artist-read"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[s.InsightsQuerySerializer], responses=s.TrackInsightsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        editable = artists_editable_by(cast(User, request.user)).values("pk")
        track = get_object_or_404(Track.objects.filter(artist_id__in=editable).select_related("artist"), pk=pk)
        period = _period(request)
        insights = selectors.item_insights(kind="track", item_id=track.pk, period=period)
        body: dict[str, Any] = {
            "figures": insights.figures,
            "totals": insights.totals,
            "track": {"id": track.pk, "name": track.title},
            "artist": {"id": track.artist.pk, "name": track.artist.name},
        }
        return Response(s.TrackInsightsSerializer(body).data)
