from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.models import Track
from streaming.api.serializers import PlayAcceptedSerializer, PlayReportSerializer, PlaySerializer, StreamSerializer
from streaming.edges import local_edge_base, viewer_country
from streaming.models import Play
from streaming.selectors import TrackNotReadyError, play_history, stream_grant
from streaming.services.plays import PlayRefusedError, play_report_accept


class TrackNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = "The track is still being processed."


class StreamView(APIView):
    """A short-lived signed URL to stream the track, from the edge nearest you."""

    oauth_scopes = {"GET": "streaming"}

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


class PlayRefused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "no_stream_grant"
    default_detail = "This play has no stream grant behind it."


class PlayReportView(APIView):
    """Report a play's progress: when it starts, as it goes, and when it ends.

    Each report sends the `play_token` of the stream grant the play comes
    from; one grant is one play. A report is refused (409) without one, with
    one for another listener or track (`no_stream_grant`), or when it claims
    more than the time since the grant or than the track (`play_too_long`).
    Otherwise it is answered at once and recorded in the background: the play
    counts in your history and the track's plays once 30 seconds of it were
    heard.
    """

    oauth_scopes = {"POST": "streaming"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=PlayReportSerializer,
        responses={
            202: PlayAcceptedSerializer,
            404: OpenApiResponse(description="No such track for you to play."),
            409: OpenApiResponse(description="No stream grant behind the play, or longer than possible."),
        },
    )
    def post(self, request: Request) -> Response:
        body = PlayReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            play_id = play_report_accept(
                user=cast(User, request.user),
                track_id=data["track"],
                ms_played=data["ms_played"],
                ended=data["ended"],
                play_token=data.get("play_token"),
            )
        except Track.DoesNotExist:
            raise exceptions.NotFound("No such track.") from None
        except PlayRefusedError as exc:
            raise PlayRefused(str(exc), code=exc.code) from None
        return Response({"play_id": str(play_id)}, status=status.HTTP_202_ACCEPTED)


class RecentlyPlayedView(generics.ListAPIView):
    """What you listened to, newest first."""

    oauth_scopes = {"GET": "user-read-recently-played"}

    serializer_class = PlaySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Play]:
        return play_history(user=cast(User, self.request.user)).prefetch_related(
            "track__featured_artists", "track__genres"
        )
