from typing import Any, cast

from django.contrib.auth import authenticate, update_session_auth_hash
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from oauth2_provider.models import AccessToken
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import MeSerializer, PasswordChangeSerializer, TokenRequestSerializer, TokenSerializer
from accounts.models import User
from core.scopes import scope_granted


class InvalidCredentials(exceptions.APIException):
    # 401 even though this endpoint takes no credentials header (DRF would make it 403).
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_credentials"
    default_detail = "The username or password is not right."


class TokenView(APIView):
    """Exchange a username (or email) and password for a Bearer token."""

    oauth_scopes = {"POST": None}

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
            "access_token": token.access_token,
            "token_type": "Bearer",
            "expires_in": token.expires_in,
            "refresh_token": token.refresh_token,
            "scope": token.scope,
        }
        return Response(TokenSerializer(body).data)


def _me(request: Request, user: User) -> dict[str, Any]:
    """The account as the caller may see it: the e-mail address only with user-read-email."""
    body = dict(MeSerializer(user).data)
    if not scope_granted(request, "user-read-email"):
        body.pop("email")
    return body


class MeView(APIView):
    """The signed-in person's account and preferences."""

    oauth_scopes = {"GET": "user-read-private", "PATCH": "user-modify-private"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(_me(request, cast(User, request.user)))

    @extend_schema(
        request=MeSerializer,
        responses={200: MeSerializer, 202: MeSerializer},
        description=(
            "Changing `email` needs `current_password`, and takes effect only once the link mailed to the new "
            "address is opened: the answer is then 202, with the account still showing its current address."
        ),
    )
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {**serializer.validated_data}
        changes.update(changes.pop("profile", {}))
        current_password = changes.pop("current_password", None)
        before = cast(User, request.user).email
        try:
            user = services.account_update(
                user=cast(User, request.user), request=request._request, current_password=current_password, **changes
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        # The address itself changes only once confirmed: asking for another one is accepted, not done.
        email_pending = User.objects.normalize_email(changes.get("email", before)) != before
        return Response(_me(request, user), status=status.HTTP_202_ACCEPTED if email_pending else status.HTTP_200_OK)


class PasswordView(APIView):
    """Change the signed-in person's password; every other session and token stops working."""

    oauth_scopes = {"POST": "user-modify-private"}

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "auth"

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)
        services.password_change(
            request=request._request,
            user=user,
            current_password=serializer.validated_data["current_password"],
            new_password=serializer.validated_data["new_password"],
            keep_token=request.auth if isinstance(request.auth, AccessToken) else None,
        )
        if request.auth is None:  # a website session: keep this one signed in
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)
