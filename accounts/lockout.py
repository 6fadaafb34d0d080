"""What a locked-out sign-in sees: a page on the website, the API's error shape on the API."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from spotifyclone.api.errors import error_body

MESSAGE = "Too many failed sign-in attempts. Try again later."


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = error_body(status_code=429, code="locked_out", message=MESSAGE)
        return JsonResponse(body, status=429)
    return render(request, "accounts/locked_out.html", status=429)
