"""``/api/v1/me/subsonic/``: the listener's Subsonic password and API key, and resetting them."""

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from subsonic.services import SubsonicSecrets, subsonic_credentials_ensure, subsonic_credentials_reset


class SubsonicSecretsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(help_text="The Subsonic password: for music apps only, never the account's.")
    api_key = serializers.CharField(help_text="The OpenSubsonic API key, for apps that sign in with one.")


def _body(secrets: SubsonicSecrets) -> dict[str, str]:
    return {"username": secrets.username, "password": secrets.password, "api_key": secrets.api_key}


class SubsonicSecretsView(APIView):
    """What a Subsonic app needs to connect; ``POST`` replaces both secrets, and the old ones stop working."""

    oauth_scopes = {"GET": "subsonic", "POST": "subsonic"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SubsonicSecretsSerializer)
    def get(self, request: Request) -> Response:
        return Response(_body(subsonic_credentials_ensure(user=cast(User, request.user))))

    @extend_schema(request=None, responses=SubsonicSecretsSerializer)
    def post(self, request: Request) -> Response:
        return Response(_body(subsonic_credentials_reset(user=cast(User, request.user))))
