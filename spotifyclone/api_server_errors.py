"""No technical error page for API clients: a server error under /api/ is the API's JSON error.

With DEBUG on, Django answers an unhandled exception with its technical 500
page (the traceback, local variables, settings); ``handler500`` covers only
DEBUG off. This middleware replaces any 500 under /api/ that is not already
the API's JSON with the one error shape, whatever DEBUG says. The exception
has been logged by then, as for any other 500; website pages are left alone.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from spotifyclone.api.errors import json_server_error


class ApiServerErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code == 500
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = json_server_error()
            # Django logged the exception with the first answer: not a second time for this one.
            replacement._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
            return replacement
        return response
