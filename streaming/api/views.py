import uuid
from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.models import Track
from streaming import tasks
from streaming.api.serializers import PlayAcceptedSerializer, PlayReportSerializer, PlaySerializer, StreamSerializer
from streaming.edges import viewer_country
from streaming.models import Play
from streaming.selectors import TrackNotReadyError, play_history, stream_grant
from streaming.views import local_edge_base


class TrackNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = "The track is still being processed."


class StreamView(APIView):
    """A short-lived signed URL to stream the track, from the edge nearest you."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=StreamSerializer)
    def get(self, request: Request, pk: int) -> Response:
        user = cast(User, request.user)
        country = viewer_country(request._request, profile_country=str(user.profile.country or ""))
        try:
            grant = stream_grant(track_id=pk, user=user, country=country, local_base=local_edge_base(request._request))
        except Track.DoesNotExist:
            raise exceptions.NotFound("No such track.") from None
        except TrackNotReadyError:
            raise TrackNotReady() from None
        response = Response(StreamSerializer(grant).data)
        response["Cache-Control"] = "private, no-store"
        return response


class PlayReportView(APIView):
    """Report a play's progress: when it starts, as it goes, and when it ends.

    Answered at once; the play is recorded in the background. It counts in
    your history and the track's plays once 30 seconds of it were heard.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PlayReportSerializer, responses={202: PlayAcceptedSerializer})
    def post(self, request: Request) -> Response:
        body = PlayReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        play_id = str(body.validated_data.get("play_id") or uuid.uuid4())
        data = body.validated_data
        user = cast(User, request.user)
        tasks.play_report.delay(play_id, user.pk, data["track"], data["ms_played"], data["ended"])
        return Response({"play_id": play_id}, status=status.HTTP_202_ACCEPTED)


class RecentlyPlayedView(generics.ListAPIView):
    """What you listened to, newest first."""

    serializer_class = PlaySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Play]:
        return play_history(user=cast(User, self.request.user)).prefetch_related(
            "track__featured_artists", "track__genres"
        )
