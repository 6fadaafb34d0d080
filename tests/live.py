"""A gate in front of pytest-django's live server.

The live server lives for the whole run, but a browser's requests may outlive
the test that made them: a player's poll, or a ``keepalive`` play report sent
as the page goes away. Answered during the next test, they would write into its
database or wait on its transaction. So the gate lets requests through only
while a test that asked for the live server runs, and at that test's end waits
for the ones in flight. A request that arrives between such tests gets a 503
without touching the database.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

DRAIN_SECONDS = 10


class LiveServerGate:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.changed = threading.Condition()
        self.open = False
        self.in_flight = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.changed:
            if not self.open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The live server is closed between tests.\n"]
            self.in_flight += 1
        try:
            response = self.app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return _Closing(response, self._finished)

    def _finished(self) -> None:
        with self.changed:
            self.in_flight -= 1
            self.changed.notify_all()

    def opened(self) -> None:
        with self.changed:
            self.open = True

    def close_and_drain(self) -> None:
        with self.changed:
            self.open = False
            drained = self.changed.wait_for(lambda: self.in_flight == 0, timeout=DRAIN_SECONDS)
        if not drained:
            raise RuntimeError(f"{self.in_flight} live-server request(s) still running {DRAIN_SECONDS} s after a test")


class _Closing:
    """The response, telling the gate when the server has closed it (sent, or dropped by the client)."""

    def __init__(self, response: Iterable[bytes], finished: Callable[[], None]) -> None:
        self.response = response
        self.finished = finished

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            close = getattr(self.response, "close", None)
            if close is not None:
                close()
        finally:
            self.finished()
