"""One error shape for the whole API.

Every error answers ``{"error": {"status", "code", "message", "details"}}``:
a code a program can branch on and a message a person can read.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(*, status_code: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message, "details": details or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", "The request is not valid.", response.data
        if isinstance(details, list):
            details = {"non_field_errors": details}
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
    return response


def json_not_found(request: HttpRequest) -> JsonResponse:
    body = error_body(status_code=404, code="not_found", message=f"No API resource at {request.path}.")
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)


def json_server_error() -> JsonResponse:
    body = error_body(status_code=500, code="server_error", message="Something went wrong on our side.")
    return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
