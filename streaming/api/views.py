import functools
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.bearer import access_token_allows, access_token_of
from accounts.models import User
from catalog.models import Track
from core.counters import rate_check
from core.errors import error_body
from streaming.api.serializers import (
    PlayAcceptedSerializer,
    PlayReportSerializer,
    PlaySerializer,
    StreamSerializer,
    stream_body,
)
from streaming.edges import local_edge_base, viewer_country
from streaming.gates import GrantRefusedError
from streaming.models import Play
from streaming.selectors import StreamGrant, TrackNotReadyError, play_history
from streaming.services.grants import stream_grant_issue
from streaming.services.plays import PlayRefusedError, play_report_accept


class TrackNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = "The track is still being processed."


def _grant(request: HttpRequest, user: User, pk: int) -> StreamGrant:
    country = viewer_country(request) or str(user.profile.country or "").upper()
    local_base = "" if settings.EDGE_URLS else local_edge_base(request)  # only Django's own edge needs it
    return stream_grant_issue(track_id=pk, user=user, country=country, local_base=local_base)


def _warm_grant(request: HttpRequest, pk: int) -> HttpResponse | None:
    """The grant for a bearer token the cache holds, answered without DRF; ``None`` to go DRF's way.

    A player asks for a grant at every track, so this is the API's busiest
    request, and DRF's machinery (its request, negotiation, permission and
    throttle objects, its renderer) cost more than the grant itself. This
    checks the same things the same way: the token (``accounts.bearer``), the
    ``streaming`` scope, the listener's rate under the key and allowance of
    the API's user throttle, then ``stream_grant``. It answers only a grant;
    anything else (no token in the cache, another scope, a throttled
    listener, a track they may not stream, a grant a check refused, such as
    an ad break that is due) goes to ``StreamView``, which
    answers it, errors included, in the API's one shape.
    """
    if request.method != "GET":
        return None
    access = access_token_of(request)
    if access is None or access.user is None or not access_token_allows(access, "streaming"):
        return None
    try:
        grant = _grant(request, access.user, pk)
    except (Track.DoesNotExist, TrackNotReadyError, PermissionDenied, GrantRefusedError):
        return None
    throttle = throttling.UserRateThrottle()  # the API's user allowance (DEFAULT_THROTTLE_RATES["user"])
    limit, period = throttle.parse_rate(throttle.rate)
    if limit is not None and period is not None:
        key = throttle.cache_format % {"scope": throttle.scope, "ident": access.user.pk}
        if not rate_check(key, limit=limit, period=period, now=throttle.timer()).allowed:
            return None
    response = JsonResponse(stream_body(grant), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, no-store"
    response["Allow"] = "GET, HEAD, OPTIONS"
    patch_vary_headers(response, ["Accept"])
    return response


class StreamView(APIView):
    """A short-lived signed URL to stream the track, from the edge nearest you."""

    oauth_scopes = {"GET": "streaming"}

    permission_classes = [permissions.IsAuthenticated]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """DRF's view, behind the warm path (``_warm_grant``); the schema still sees this class."""
        view = super().as_view(**initkwargs)

        @functools.wraps(view)
        def stream(request: HttpRequest, pk: int) -> HttpResponse:
            return _warm_grant(request, pk) or view(request, pk=pk)

        return csrf_exempt(stream)

    @extend_schema(
        responses={
            200: StreamSerializer,
            409: OpenApiResponse(
                description=(
                    "The track is still being processed (`not_ready`), or a listener on the free plan owes an ad "
                    "break (`ad_break_due`): start it with `POST /api/v1/me/ad-breaks/`, and the grants resume "
                    "once it is complete."
                )
            ),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            grant = _grant(request._request, cast(User, request.user), pk)
        except Track.DoesNotExist:
            raise exceptions.NotFound(_("No such track.")) from None
        except TrackNotReadyError:
            raise TrackNotReady() from None
        except GrantRefusedError as refusal:
            body = error_body(status_code=409, code=refusal.code, message=refusal.message, details=refusal.details)
            return Response(body, status=status.HTTP_409_CONFLICT, headers={"Cache-Control": "private, no-store"})
        response = Response(stream_body(grant))
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
                context=data.get("context_uri", ""),
            )
        except Track.DoesNotExist:
            raise exceptions.NotFound(_("No such track.")) from None
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
