"""What a locked-out sign-in sees: the API's error body, or the website's page.

Who is counted and when an account or address is locked out is accounts'
business (``accounts/lockout.py``); how the refusal is answered depends on
which door was knocked on, which the project decides.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.errors import error_body
from subsonic import envelope
from subsonic.auth import LOCKED_OUT
from subsonic.registry import Params

MESSAGE = "Too many failed sign-in attempts. Try again later."


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    if request.path.startswith("/rest/"):
        # The Subsonic API answers every refusal with HTTP 200 and its own error code.
        fmt, callback = envelope.response_format(Params(request))
        error = envelope.SubsonicError(envelope.SubsonicError.WRONG_CREDENTIALS, LOCKED_OUT)
        return envelope.render(envelope.error_body(error), fmt=fmt, callback=callback)
    if request.path.startswith("/api/"):
        body = error_body(status_code=429, code="locked_out", message=MESSAGE)
        return JsonResponse(body, status=429)
    return render(request, "accounts/locked_out.html", status=429)
