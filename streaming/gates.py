"""Checks that apps above streaming add to every stream grant: the ad break of the free plan, for one.

streaming sits below the apps that hold such rules, so it cannot ask them; each
adds its check when it starts (``AppConfig.ready``) with :func:`grant_check_add`.
Every grant runs the checks once the track is known to be streamable by the
listener, before the answer goes out (``streaming.services.grants``). A check
refuses by raising :class:`GrantRefusedError` with a code and a message; the API
and the website answer it with 409 and that code.

A check runs on the busiest request there is: one that has nothing to say about
a listener (a Premium listener, to the ads) returns before any round trip.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User


@dataclass(frozen=True)
class GrantAttempt:
    user: User
    track_id: int
    duration_ms: int
    country: str  # where the listener is, as the grant chose their edge by it


class GrantRefusedError(Exception):
    def __init__(self, *, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


GrantCheck = Callable[[GrantAttempt], None]

_checks: list[GrantCheck] = []


def grant_check_add(check: GrantCheck) -> None:
    """Run ``check`` on every grant from now on (added once, however often this is called)."""
    if check not in _checks:
        _checks.append(check)


def grant_checks_run(attempt: GrantAttempt) -> None:
    """Run every check on ``attempt``; the first that refuses raises :class:`GrantRefusedError`."""
    for check in _checks:
        check(attempt)
