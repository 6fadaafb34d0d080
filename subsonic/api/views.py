"""``/api/v1/me/subsonic/``: the listener's Subsonic password and API key, and resetting them."""

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from subsonic.selectors import SubsonicSecrets, subsonic_secrets
from subsonic.services import subsonic_credentials_reset


class SubsonicSecretsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(
        allow_null=True,
        help_text="The Subsonic password: for music apps only, never the account's. Null until a POST makes it.",
    )
    api_key = serializers.CharField(
        allow_null=True,
        help_text="The OpenSubsonic API key, for apps that sign in with one. Null until a POST makes it.",
    )


def _body(user: User, secrets: SubsonicSecrets | None) -> dict[str, str | None]:
    if secrets is None:
        return {"username": user.username, "password": None, "api_key": None}
    return {"username": secrets.username, "password": secrets.password, "api_key": secrets.api_key}


class SubsonicSecretsView(APIView):
    """What a Subsonic app needs to connect; ``POST`` makes both secrets, or replaces them (the old ones stop working).

    ``GET`` only reads: before the first ``POST`` the password and key are null.
    """

    oauth_scopes = {"GET": "subsonic", "POST": "subsonic"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SubsonicSecretsSerializer)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        return Response(_body(user, subsonic_secrets(user=user)))

    @extend_schema(request=None, responses=SubsonicSecretsSerializer)
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)
        return Response(_body(user, subsonic_credentials_reset(user=user)))
