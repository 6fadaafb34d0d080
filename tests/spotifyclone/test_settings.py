"""Settings resolve from environment variables alone; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODE_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "EDGE_SIGNING_KEY",
    "SUBSONIC_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "SEARCH_BACKEND",
    "OPENSEARCH_URL",
    "EDGE_URLS",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "database": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "search": settings.SEARCH_BACKEND,
    "edges": settings.EDGE_URLS,
}))
"""


def _settings(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in MODE_VARIABLES}
    env.update(variables, DJANGO_SETTINGS_MODULE="spotifyclone.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_no_variables_means_the_embedded_default():
    result = _settings()

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": True,
        "database": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "broker": "memory://localhost/",
        "eager": True,
        "storage": "django.core.files.storage.FileSystemStorage",
        "search": "database",
        "edges": {},
    }


def test_services_mode_comes_from_the_variables():
    result = _settings(
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/db",
        REDIS_URL="redis://127.0.0.1:6379/0",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        SEARCH_BACKEND="opensearch",
        OPENSEARCH_URL="http://127.0.0.1:9200",
        EDGE_URLS="eu=http://127.0.0.1:8081,us=http://127.0.0.1:8082",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": True,
        "database": "django.db.backends.postgresql",
        "cache": "django_redis.cache.RedisCache",
        "broker": "redis://127.0.0.1:6379/0",
        "eager": False,
        "storage": "storages.backends.s3.S3Storage",
        "search": "opensearch",
        "edges": {"eu": "http://127.0.0.1:8081", "us": "http://127.0.0.1:8082"},
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off."),
        ({"DEBUG": "false", "SECRET_KEY": "s3cret"}, "EDGE_SIGNING_KEY must be set when DEBUG is off."),
        (
            {"DEBUG": "false", "SECRET_KEY": "s3cret", "EDGE_SIGNING_KEY": "edge-s3cret"},
            "SUBSONIC_SECRET_KEY must be set when DEBUG is off.",
        ),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME."),
        ({"SEARCH_BACKEND": "opensearch"}, "SEARCH_BACKEND=opensearch needs OPENSEARCH_URL."),
        ({"SEARCH_BACKEND": "solr"}, "SEARCH_BACKEND must be 'database' or 'opensearch', not 'solr'."),
    ],
)
def test_a_missing_or_wrong_setting_is_a_clear_error(variables, message):
    result = _settings(**variables)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_production_settings_start_with_their_secrets():
    result = _settings(
        DEBUG="false", SECRET_KEY="s3cret", EDGE_SIGNING_KEY="edge-s3cret", SUBSONIC_SECRET_KEY="subsonic-s3cret"
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False
