"""A track's waveform for a player's seek bar: the peaks the transcode stored, cached by the browser."""

from typing import cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.access import tracks_visible_to

# The peaks change only when the track's audio is transcoded again: an hour in the browser's cache is safe.
WAVEFORM_MAX_AGE = 3600


class WaveformSerializer(serializers.Serializer):
    track = serializers.IntegerField()
    peaks = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=255),
        help_text="The loudest sample of each of 200 equal slices of the track, 0-255; empty before it is processed.",
    )


class WaveformView(APIView):
    """The peaks of a track you may see, for drawing it: one read per track, kept by the browser for an hour."""

    oauth_scopes = {"GET": "streaming"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: WaveformSerializer, 404: OpenApiResponse(description="No such track.")},
        summary="Get a track's waveform",
    )
    def get(self, request: Request, pk: int) -> Response:
        found = (
            tracks_visible_to(cast(User, request.user))
            .filter(pk=pk)
            .values_list("media__waveform", "media__version")
            .first()
        )
        if found is None:
            raise exceptions.NotFound(_("No such track."))
        peaks, version = found
        peaks = [int(p) for p in peaks if isinstance(p, int | float)] if isinstance(peaks, list) else []
        response = Response({"track": pk, "peaks": peaks})
        response["Cache-Control"] = f"private, max-age={WAVEFORM_MAX_AGE}"
        if version:
            response["ETag"] = f'"{pk}-{version}"'
        return response
