from typing import Any, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from accounts.models import User


class InvalidCredentials(exceptions.APIException):
    # 401 even though this endpoint takes no credentials header (DRF would make it 403).
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_credentials"
    default_detail = "The username or password is not right."


class TokenView(APIView):
    """Exchange a username (or email) and password for a Bearer token."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise InvalidCredentials()
        token = services.access_token_issue(user=user)
        body = {
            "access_token": token.token,
            "token_type": "Bearer",
            "expires_in": settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"],
            "refresh_token": token.refresh_token.token,
            "scope": token.scope,
        }
        return Response(TokenSerializer(body).data)


class MeView(APIView):
    """The signed-in person's account and preferences."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {**serializer.validated_data}
        changes.update(changes.pop("profile", {}))
        try:
            user = services.account_update(user=cast(User, request.user), **changes)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(MeSerializer(user).data)
