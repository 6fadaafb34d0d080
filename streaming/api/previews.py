"""GET /api/v1/tracks/{id}/preview/: the grant of a track's preview, for anyone, an account or none."""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Track
from streaming.edges import local_edge_base, viewer_country
from streaming.previews import PreviewMissingError, preview_grant


class PreviewSerializer(serializers.Serializer):
    track_id = serializers.IntegerField()
    url = serializers.URLField(help_text="Signed URL of the preview alone (AAC in MP4), short-lived.")
    expires_at = serializers.DateTimeField()
    codec = serializers.CharField()
    bitrate = serializers.IntegerField(help_text="kbit/s")
    start_ms = serializers.IntegerField(help_text="Where in the track the preview starts.")
    duration_ms = serializers.IntegerField(
        help_text="How long the preview is (30 seconds, or the whole of a shorter track)."
    )
    track_duration_ms = serializers.IntegerField()
    edge = serializers.CharField(help_text="The region of the edge chosen for the caller.")


class PreviewMissing(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "preview_missing"
    default_detail = gettext_lazy("This track has no preview yet.")


class PreviewView(APIView):
    """The preview of a published track: an excerpt of about 30 seconds, faded in and out, at a low bitrate.

    For visitors without an account, who may not stream the track itself; no
    token or session is needed. Its URL reaches the preview alone. Grants are
    limited per caller (the `preview` throttle): a caller over it gets 429.
    """

    oauth_scopes = {"GET": None}

    permission_classes = [AllowAny]
    throttle_scope = "preview"

    @extend_schema(
        responses={
            200: PreviewSerializer,
            404: OpenApiResponse(description="No published track of that id."),
            409: OpenApiResponse(description="The track has no preview yet (`preview_missing`)."),
            429: OpenApiResponse(description="Too many preview grants from this caller."),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        country = viewer_country(request._request)
        try:
            grant = preview_grant(track_id=pk, country=country, local_base=local_edge_base(request._request))
        except Track.DoesNotExist:
            raise exceptions.NotFound(_("No such track.")) from None
        except PreviewMissingError:
            raise PreviewMissing() from None
        response = Response(PreviewSerializer(dataclasses.asdict(grant)).data)
        response["Cache-Control"] = "private, no-store"
        return response
