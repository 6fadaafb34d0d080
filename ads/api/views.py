from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from ads.api.serializers import AdBreakSerializer
from ads.clicks import click_token
from ads.models import AdBreak, Campaign
from ads.services import AdBreakNotDueError, AdBreakTooShortError, ad_break_complete, ad_break_start
from core.errors import error_body
from streaming.edges import local_edge_base, viewer_country
from streaming.selectors import media_signed_urls


def ad_break_body(request: HttpRequest, ad_break: AdBreak, *, country: str) -> dict[str, Any]:
    """The break as the API shows it, with signed URLs of its ads' audio from the listener's nearest edge."""
    local_base = "" if settings.EDGE_URLS else local_edge_base(request)
    campaigns = Campaign.objects.in_bulk(ad_break.campaigns)
    ads = []
    for campaign_id in ad_break.campaigns:
        campaign = campaigns.get(campaign_id)
        if campaign is None:  # deleted since the break started
            continue
        progressive, hls, _ = media_signed_urls(
            folder=campaign.media_folder,
            bitrate=campaign.bitrate,
            duration_ms=campaign.duration_ms,
            country=country,
            local_base=local_base,
        )
        click = reverse("ad-click", args=[click_token(break_id=str(ad_break.pk), campaign_id=campaign.pk)])
        ads.append(
            {
                "id": campaign.pk,
                "title": campaign.title,
                "duration_ms": campaign.duration_ms,
                "url": progressive.url,
                "hls_url": hls.url,
                "image": request.build_absolute_uri(campaign.image.url) if campaign.image else None,
                "click_url": request.build_absolute_uri(click) if campaign.click_url else None,
                "text": campaign.text,
            }
        )
    return {
        "id": str(ad_break.pk),
        "ads": ads,
        "duration_ms": ad_break.duration_ms,
        "started_at": ad_break.started_at.isoformat().replace("+00:00", "Z"),
        "completed_at": ad_break.completed_at.isoformat().replace("+00:00", "Z") if ad_break.completed_at else None,
    }


def _country(request: Request) -> str:
    user = cast(User, request.user)
    return viewer_country(request._request) or str(user.profile.country or "").upper()


class AdBreaksView(APIView):
    """Start the ad break you owe on the free plan.

    A listener on the free plan owes a break after a few tracks or minutes of
    music; until it is over, stream grants answer 409 `ad_break_due`. This
    starts it: play its ads in order, then complete it
    (`POST /api/v1/me/ad-breaks/{id}/complete/`) once their total length has
    passed. Asked again while the break is open, it answers the same break
    (200). A break with no ad for you is complete at once.
    """

    oauth_scopes = {"POST": "streaming"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: AdBreakSerializer,
            200: OpenApiResponse(AdBreakSerializer, description="The break already open."),
            409: OpenApiResponse(description="No break is due (`no_ad_break_due`): Premium, or not enough music yet."),
        },
    )
    def post(self, request: Request) -> Response:
        country = _country(request)
        try:
            ad_break, created = ad_break_start(user=cast(User, request.user), country=country)
        except AdBreakNotDueError:
            body = error_body(status_code=409, code="no_ad_break_due", message="No ad break is due.")
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(
            ad_break_body(request._request, ad_break, country=country),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Cache-Control": "private, no-store"},
        )


class AdBreakCompleteView(APIView):
    """End your ad break once its ads have played: stream grants resume.

    Before the ads' total length has passed since the break started it answers
    409 `ad_break_too_short`, with the milliseconds still to go in
    `details.remaining_ms`. Completing a break twice is the same as once.
    """

    oauth_scopes = {"POST": "streaming"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The break is over."),
            404: OpenApiResponse(description="No such break of yours."),
            409: OpenApiResponse(description="The ads have not had the time to play (`ad_break_too_short`)."),
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        try:
            ad_break_complete(user=cast(User, request.user), break_id=pk)
        except AdBreak.DoesNotExist:
            raise exceptions.NotFound(gettext("No such ad break.")) from None
        except AdBreakTooShortError as exc:
            body = error_body(
                status_code=409,
                code="ad_break_too_short",
                message="The ads have not finished playing.",
                details={"remaining_ms": exc.remaining_ms},
            )
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)
