"""One error shape for the whole API, produced by one exception handler.

Every error answers ``{"error": {"status", "code", "message", "details"}}``,
the body :func:`core.errors.error_body` builds for the website's JSON too.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import error_body
from core.scopes import InsufficientScope

__all__ = ["error_body", "exception_handler", "json_not_found", "json_server_error"]


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's, keeping its fields and codes."""
    if hasattr(exc, "error_dict"):
        detail: Any = {
            api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    errors = exc.error_list
    code = errors[0].code if len(errors) == 1 and errors[0].code else "invalid"
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages}, code=code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", _("The request is not valid."), response.data
        if isinstance(details, list):
            details = {api_settings.NON_FIELD_ERRORS_KEY: details}
        non_field = details.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(details, dict) else None
        if non_field and len(details) == 1:
            # A rule of the service was broken: its code and words say which.
            first = non_field[0]
            code = getattr(first, "code", None) or code
            message = " ".join(str(m) for m in non_field)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = detail.code if isinstance(detail, exceptions.ErrorDetail) and detail.code else exc.default_code
        message, details = str(detail), {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            details = {"retry_after_seconds": int(wait)}
    else:
        code, message, details = "error", str(exc), {}
    response.data = error_body(status_code=response.status_code, code=str(code), message=message, details=details)
    if isinstance(exc, InsufficientScope):
        # RFC 6750: the scheme, the error and the scopes that would do, for clients that read headers.
        challenge = 'Bearer error="insufficient_scope"'
        response["WWW-Authenticate"] = f'{challenge}, scope="{" ".join(exc.scopes)}"' if exc.scopes else challenge
        response.data["error"]["details"] = {"scopes": list(exc.scopes)}
    return response


def json_not_found(request: HttpRequest) -> JsonResponse:
    body = error_body(
        status_code=404, code="not_found", message=_("No API resource at %(path)s.") % {"path": request.path}
    )
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)


def json_server_error() -> JsonResponse:
    body = error_body(status_code=500, code="server_error", message=_("Something went wrong on our side."))
    return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
