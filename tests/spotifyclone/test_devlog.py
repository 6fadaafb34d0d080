"""The terminal of ``make run``: the player's polling kept out of the request log, the demo logins at the end."""

import io
import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import load_command_class
from django.core.servers.basehttp import WSGIRequestHandler

POLL = "GET /api/v1/me/player/?device_id=3f2a9c&version=12 HTTP/1.1"
POSITION = "PUT /api/v1/me/player/state/ HTTP/1.1"


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """What the development server's request log prints, as configured by the settings."""
    logger = logging.getLogger("django.server")
    (handler,) = [handler for handler in logger.handlers if type(handler) is logging.StreamHandler]
    stream = io.StringIO()
    former = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(former)


def _served(request_line: str, status: str) -> None:
    """Log a request as the development server does once it has answered it."""
    handler = SimpleNamespace(request=None, log_date_time_string=lambda: "30/Nov/2026 03:00:00")
    WSGIRequestHandler.log_message(handler, '"%s" %s %s', request_line, status, "0")  # type: ignore[arg-type]


def test_the_players_polling_stays_out_of_the_development_servers_log(server_log):
    _served(POLL, "304")
    _served(POLL.replace("version=12", "version=13"), "200")
    _served(POSITION, "200")
    _served("GET /albums/4/ HTTP/1.1", "200")
    _served("POST /api/v1/me/player/plays/ HTTP/1.1", "202")
    _served(POLL, "500")  # a poll that fails is news

    lines = server_log.getvalue().splitlines()
    assert lines == [
        '[30/Nov/2026 03:00:00] "GET /albums/4/ HTTP/1.1" 200 0',
        '[30/Nov/2026 03:00:00] "POST /api/v1/me/player/plays/ HTTP/1.1" 202 0',
        f'[30/Nov/2026 03:00:00] "{POLL}" 500 0',
    ]


def test_the_polling_shows_when_the_server_logs_at_debug(server_log):
    logger = logging.getLogger("django.server")
    level = logger.level
    logger.setLevel(logging.DEBUG)  # LOG_LEVEL=DEBUG
    try:
        _served(POLL, "304")
    finally:
        logger.setLevel(level)

    assert server_log.getvalue() == f'[30/Nov/2026 03:00:00] "{POLL}" 304 0\n'


def test_make_run_prints_the_demo_logins_again_once_the_server_listens():
    out = io.StringIO()
    command: Any = load_command_class("catalog", "runserver_demo")
    command.stdout._out = out
    command.addr, command._raw_ipv6, command.protocol = "127.0.0.1", False, "http"

    command.on_bind(8000)

    printed = out.getvalue()
    banner = printed.index("Starting development server at http://127.0.0.1:8000/")
    logins = printed.index("Demo logins (password for each: listen-to-the-demo):")
    assert banner < logins
    for username in ("listener", "premium", "artist", "admin"):
        assert f"\n  {username} " in printed[logins:]
    assert printed.rstrip().endswith("Open http://127.0.0.1:8000/ and sign in with one of them.")


def test_djangos_own_messages_are_printed_once():
    """Through the root's handler, in the project's format, not a second time by Django's console handler."""
    django_logger = logging.getLogger("django")

    assert [handler for handler in django_logger.handlers if type(handler) is logging.StreamHandler] == []
    assert django_logger.propagate
    assert any(type(handler) is logging.StreamHandler for handler in logging.getLogger().handlers)
