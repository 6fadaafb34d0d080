from typing import Any, cast

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from subscriptions.api.serializers import SubscriptionStateSerializer
from subscriptions.providers import TRIAL
from subscriptions.selectors import subscription_history, subscription_state


class SubscriptionConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The subscription cannot change that way."


def _state(user: User) -> dict[str, Any]:
    state = subscription_state(user=user)
    body = {
        "plan": state.plan,
        "bitrate_cap": state.bitrate_cap,
        "ends_at": state.ends_at,
        "on_trial": state.on_trial,
        "trial_available": state.trial_available,
        "trial_days": state.trial_days,
        "history": subscription_history(user=user),
    }
    return dict(SubscriptionStateSerializer(body).data)


class SubscriptionView(APIView):
    """The signed-in listener's plan, until when, and their periods of Premium."""

    oauth_scopes = {"GET": "user-read-private"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SubscriptionStateSerializer)
    def get(self, request: Request) -> Response:
        return Response(_state(cast(User, request.user)))


class TrialView(APIView):
    """Start the free trial of Premium: once per listener, from the free plan."""

    oauth_scopes = {"POST": "user-modify-private"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: SubscriptionStateSerializer,
            409: OpenApiResponse(
                description=(
                    "The listener had their trial already (`trial_used`), or is on Premium now (`already_premium`)."
                )
            ),
        },
    )
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)
        try:
            TRIAL.start(user=user)
        except ValidationError as exc:
            raise SubscriptionConflict(" ".join(exc.messages), code=exc.code) from None
        user.profile.refresh_from_db(fields=["plan"])
        return Response(_state(user), status=status.HTTP_201_CREATED)
