"""One error body for every JSON answer, the API's and the website's alike, and one way to word a refusal.

Every error answers ``{"error": {"status", "code", "message", "details"}}``:
a code a program can branch on and a message a person can read. The API's
exception handler (``spotifyclone/api/errors.py``) builds its answers with
:func:`error_body`; a website view whose service refused answers a script
with :func:`refusal_json` and a page with :func:`refused`, so a refusal reads
the same wherever it comes from.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse

Refusal = ValidationError | PermissionDenied


def error_body(*, status_code: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message, "details": details or {}}}


def refusal_messages(exc: Refusal) -> list[str]:
    """What a service said when it refused, one sentence per rule broken."""
    return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]


def refusal_code(exc: Refusal) -> str:
    """The code of the rule broken, as the API gives it: a refusal naming several rules is ``invalid``."""
    if isinstance(exc, PermissionDenied):
        return "permission_denied"
    errors = exc.error_list if not hasattr(exc, "error_dict") else []
    return str(errors[0].code) if len(errors) == 1 and errors[0].code else "invalid"


def refusal_json(exc: Refusal, *, status: int | None = None) -> JsonResponse:
    """A service's refusal for a script: 403 when the caller may not, 400 when the request breaks a rule."""
    status = status or (403 if isinstance(exc, PermissionDenied) else 400)
    body = error_body(status_code=status, code=refusal_code(exc), message=" ".join(refusal_messages(exc)))
    return JsonResponse(body, status=status)


def refused(request: HttpRequest, exc: Refusal) -> None:
    """A service's refusal for a page: each of its sentences as an error message shown on the next page."""
    for message in refusal_messages(exc):
        messages.error(request, message)
