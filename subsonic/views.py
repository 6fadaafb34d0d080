"""The one view of the Subsonic API: ``/rest/<method>`` and ``/rest/<method>.view``, by GET or form POST."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from subsonic.auth import caller
from subsonic.envelope import API_VERSION, SubsonicError, envelope, error_body, render, response_format
from subsonic.registry import Call, Params, method_get

logger = logging.getLogger(__name__)


def _version_check(version: str | None) -> None:
    """Error 20 for a client older than the protocol's major version, 30 for one newer than ours."""
    if version is None:
        return
    try:
        wanted = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        raise SubsonicError(SubsonicError.GENERIC, f"Not a protocol version: {version!r}.") from None
    ours = tuple(int(part) for part in API_VERSION.split(".")[:2])
    if wanted[:1] < ours[:1]:
        raise SubsonicError(SubsonicError.CLIENT_MUST_UPGRADE, "Incompatible protocol version: the app must upgrade.")
    if wanted > ours:
        raise SubsonicError(
            SubsonicError.SERVER_MUST_UPGRADE, "Incompatible protocol version: the server must upgrade."
        )


@csrf_exempt
def dispatch(request: HttpRequest, name: str) -> HttpResponseBase:
    params = Params(request)
    fmt, callback = response_format(params)
    try:
        if request.method not in {"GET", "POST", "HEAD"}:
            raise SubsonicError(SubsonicError.GENERIC, "Use GET or POST.")
        found = method_get(name.removesuffix(".view"))
        _version_check(params.get("v"))
        user = caller(request, params)
        if found is None:
            raise SubsonicError(SubsonicError.NOT_FOUND, f"No such method: {name}.")
        answer = found.handler(Call(request=request, user=user, params=params, client=params.get("c") or "app"))
    except SubsonicError as error:
        return render(error_body(error), fmt=fmt, callback=callback)
    except PermissionDenied as exc:
        return render(error_body(SubsonicError(SubsonicError.NOT_AUTHORIZED, str(exc))), fmt=fmt, callback=callback)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        return render(error_body(SubsonicError(SubsonicError.GENERIC, message)), fmt=fmt, callback=callback)
    if isinstance(answer, HttpResponseBase):
        return answer
    return render(envelope(answer), fmt=fmt, callback=callback)
