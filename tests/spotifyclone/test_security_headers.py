"""Every response says what the browser may do with it: a Content-Security-Policy and its companions."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from spotifyclone.permissions_policy import permissions_policy_header

ROOT = Path(__file__).resolve().parents[2]
PERMISSIONS_POLICY = (
    "autoplay=(self), fullscreen=(self), accelerometer=(), bluetooth=(), camera=(), display-capture=(), "
    "encrypted-media=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)
EMBEDDED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _this_mode(policy: dict[str, list[str]]) -> dict[str, list[str]]:
    """``policy`` as the running mode widens it: the edges (audio) and the bucket (artwork) of services mode."""
    edges = sorted({"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in django_settings.EDGE_URLS.values()})
    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "") if django_settings.STORAGE_BACKEND == "s3" else ""
    bucket = ["{0.scheme}://{0.netloc}".format(urlsplit(endpoint))] if endpoint else []
    return {
        **policy,
        "img-src": [*policy["img-src"], *bucket],
        "media-src": [*policy["media-src"], *edges],
        "connect-src": [*policy["connect-src"], *edges],
    }


# Variables that choose the mode: each subprocess below starts from none of them.
MODE_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "EDGE_SIGNING_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "SEARCH_BACKEND",
    "OPENSEARCH_URL",
    "EDGE_URLS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
}


def _policy(header: str) -> dict[str, list[str]]:
    """``"a 'x'; b 'y' z"`` as ``{"a": ["'x'"], "b": ["'y'", "z"]}``."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def _run(args: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in MODE_VARIABLES}
    env.update(variables, DJANGO_SETTINGS_MODULE="spotifyclone.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production(**variables: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EDGE_SIGNING_KEY": secrets.token_urlsafe(32),
        "SUBSONIC_SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "music.example.com",
        **variables,
    }


@pytest.mark.django_db
def test_a_page_carries_every_security_header(client):
    response = client.get("/")

    assert response.status_code == 200
    assert _policy(response["Content-Security-Policy"]) == _this_mode(EMBEDDED_POLICY)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_an_api_response_carries_them_too(client):
    response = client.get("/api/v1/genres/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert _policy(response["Content-Security-Policy"]) == _this_mode(EMBEDDED_POLICY)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_a_static_file_carries_them_too(client, settings):
    # WhiteNoise serves from the source folders here, as it does under runserver.
    settings.WHITENOISE_USE_FINDERS = True

    response = client.get("/static/js/search.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert _policy(response["Content-Security-Policy"]) == _this_mode(EMBEDDED_POLICY)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/docs/", "/api/v1/redoc/", "/admin/login/"])
def test_no_page_lets_inline_or_evaluated_script_run(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_load_their_script_and_style_from_files(client):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert 'src="/api/v1/docs/?script="' in html
    assert '<link rel="stylesheet" href="/static/css/api-docs.css">' in html
    # Swagger UI's icons are data: URLs; nothing else on the page widens the policy.
    assert _policy(page["Content-Security-Policy"])["img-src"] == [*_this_mode(EMBEDDED_POLICY)["img-src"], "data:"]
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert 'url: "/api/v1/schema/"' in script.content.decode()


def test_no_template_holds_an_inline_script_handler_or_style():
    inline = re.compile(
        r"<script(?![^>]*\ssrc=)[^>]*>"  # a <script> without src
        r"|<style"  # a <style> element
        r"|\son[a-z]+\s*="  # onclick=, onload=, ...
        r"|\sstyle\s*="  # a style attribute
        r"|javascript:",
        re.IGNORECASE,
    )
    found = {
        str(path.relative_to(ROOT)): inline.findall(path.read_text())
        for path in sorted((ROOT / "templates").rglob("*.html"))
    }

    assert {name: hits for name, hits in found.items() if hits} == {}
    assert len(found) > 50
    # Nor does htmx write a <style> of its own or evaluate anything.
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", (ROOT / "templates" / "base.html").read_text())
    assert meta is not None
    config = json.loads(meta[1])
    assert (config["includeIndicatorStyles"], config["allowEval"]) == (False, False)


def test_the_permissions_policy_is_written_as_browsers_read_it():
    assert permissions_policy_header({"autoplay": ["self"], "camera": [], "midi": ["self", '"https://a.example"']}) == (
        'autoplay=(self), camera=(), midi=(self "https://a.example")'
    )


def test_check_deploy_finds_nothing_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **_production())

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"System check identified no issues \(\d+ silenced\)\.\n", result.stdout), result.stdout
    assert result.stderr == ""


PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
client = Client()
page = client.get("/healthz", secure=True)
plain = client.get("/api/v1/nothing-here/?from=mail")
health = client.get("/healthz")
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security"),
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "proxy": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def test_production_sends_https_only_and_says_so():
    result = _run(["-c", PROBE], **_production(ALLOWED_HOSTS="testserver"))

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert found["plain"] == [301, "https://testserver/api/v1/nothing-here/?from=mail"]
    # Load balancers probe over plain HTTP.
    assert found["health"] == 200
    assert found["cookies"] == [True, True, True]
    assert found["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_behind_no_proxy_and_without_the_redirect_when_told():
    result = _run(
        ["-c", PROBE],
        **_production(
            ALLOWED_HOSTS="testserver",
            SECURE_SSL_REDIRECT="false",
            SECURE_PROXY_SSL_HEADER="",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_PRELOAD="false",
        ),
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["hsts"] == "max-age=3600; includeSubDomains"
    assert found["plain"] == [404, None]
    assert found["proxy"] is None


def test_the_policy_lets_the_player_reach_the_edges_and_the_bucket():
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))"
    )
    result = _run(
        ["-c", probe],
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:59000/",
        EDGE_URLS="us=https://us.cdn.example:8443/,eu=https://eu.cdn.example/audio",
    )

    assert result.returncode == 0, result.stderr
    policy = json.loads(result.stdout)
    assert policy["connect-src"] == ["'self'", "https://eu.cdn.example", "https://us.cdn.example:8443"]
    assert policy["media-src"] == ["'self'", "blob:", "https://eu.cdn.example", "https://us.cdn.example:8443"]
    assert policy["img-src"] == ["'self'", "http://127.0.0.1:59000"]
    assert policy["script-src"] == ["'self'"]
