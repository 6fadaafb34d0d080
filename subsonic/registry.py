"""The methods of the API, each registered by name with :func:`method`."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponseBase

from accounts.models import User
from subsonic.envelope import Body, SubsonicError


class Params:
    """A request's parameters, from the query string and a form-encoded body alike."""

    def __init__(self, request: HttpRequest) -> None:
        self.data = request.GET.copy()
        for key, values in request.POST.lists():
            self.data.setlist(key, [*self.data.getlist(key), *values])

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.data.get(name)
        return default if value in (None, "") else value

    def required(self, name: str) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            raise SubsonicError(SubsonicError.MISSING_PARAMETER, f"Required parameter is missing: {name}.")
        return value

    def list(self, name: str) -> list[str]:
        return [value for value in self.data.getlist(name) if value != ""]

    def integer(self, name: str, default: int | None = None, *, low: int = 0, high: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SubsonicError(SubsonicError.GENERIC, f"Parameter {name} must be a whole number.") from None
        number = max(number, low)
        return number if high is None else min(number, high)

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        return default if value is None else value.lower() == "true"


@dataclass(frozen=True)
class Call:
    request: HttpRequest
    user: User
    params: Params
    client: str


Handler = Callable[[Call], Body | HttpResponseBase]


@dataclass(frozen=True)
class Method:
    name: str
    handler: Handler


METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler as the API method ``name``: it answers a body, or a response of its own (media)."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = Method(name=name, handler=handler)
        return handler

    return register


def method_get(name: str) -> Method | None:
    return METHODS.get(name)


def methods_all() -> list[str]:
    return sorted(METHODS)
