"""The development server's request log (``django.server``) without the player's polling.

Every open player asks for the playback state once a second
(``GET /api/v1/me/player/?device_id=…``) and, while it plays, reports its
position every five seconds (``PUT /api/v1/me/player/state/``). In the
terminal of ``make run`` these lines would bury everything else, so they are
logged at DEBUG: shown only when ``django.server`` logs at DEBUG
(``LOG_LEVEL=DEBUG``). One that fails (4xx, 5xx) is logged as any other
request is. Production's servers (gunicorn) do not log through
``django.server``, so this changes nothing there.
"""

import logging
from urllib.parse import urlsplit

# (method, path) of the requests a player makes over and over.
POLLING = frozenset({("GET", "/api/v1/me/player/"), ("PUT", "/api/v1/me/player/state/")})


def is_polling(request_line: str) -> bool:
    """Whether a request line (``GET /path?query HTTP/1.1``) is one of the player's repeated requests."""
    parts = request_line.split(" ")
    if len(parts) < 2:
        return False
    return (parts[0], urlsplit(parts[1]).path) in POLLING


class PollingAtDebug(logging.Filter):
    """Lower the player's polling requests to DEBUG: dropped unless the logger shows DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not isinstance(record.args, tuple) or not record.args:
            return True  # failures (warnings, errors) and other messages stay as they are
        request_line = record.args[0]
        if not isinstance(request_line, str) or not is_polling(request_line):
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
