"""Settings for spotifyclone, driven by environment variables only.

With no variable set the project runs embedded: SQLite, a local-memory cache,
files under ``media/``, eager Celery, the database search backend and Django
itself serving signed media. Each external service is switched on by its own
variable; ``.env.example`` lists every one of them.
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from spotifyclone.local_secrets import local_secrets_load

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)


# Where a developer's install keeps the keys it made for itself (never committed).
LOCAL_SECRETS_FILE = BASE_DIR / "var" / "secrets.env"


def _secret(name: str) -> str:
    """A secret from the environment; with DEBUG on and none given, this machine's own (var/secrets.env)."""
    value: str = env(name, default="")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    return local_secrets_load(path=LOCAL_SECRETS_FILE, names=["SECRET_KEY", "EDGE_SIGNING_KEY", "SUBSONIC_SECRET_KEY"])[
        name
    ]


SECRET_KEY = _secret("SECRET_KEY")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "storages",
    "axes",
    "django_countries",
    "core",
    "accounts",
    "subscriptions",
    "catalog",
    "streaming",
    "playlists",
    "search",
    "ads",
    "recommendations",
    "insights",
    "subsonic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the headers too.
    "csp.middleware.CSPMiddleware",
    "spotifyclone.permissions_policy.PermissionsPolicyMiddleware",
    # Outside all that may fail, so that no technical 500 page reaches an API client.
    "spotifyclone.api_server_errors.ApiServerErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session (the language a visitor picked is in a cookie), before CommonMiddleware.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in listener's own language (Profile.language) over the browser's: docs/i18n.md.
    "spotifyclone.i18n.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spotifyclone.urls"
WSGI_APPLICATION = "spotifyclone.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spotifyclone.i18n.javascript_catalog_context",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or anything dj-database-url
# understands) from DATABASE_URL.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # One writer at a time: take the write lock when a transaction starts
        # rather than failing half-way through it, and let readers carry on.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=3)
# Two test runs against one server need test databases of their own.
if test_database_name := env("DATABASE_TEST_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Brute-force protection for every sign-in, website and API alike: failures are
# counted per account (however its name is spelled) and, separately, per client
# address, each against its own limit (accounts/lockout.py); the answer is spotifyclone/lockout.py's.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.lockout.account_key"
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
AXES_HANDLER = "accounts.lockout.AccountLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "spotifyclone.lockout.lockout_response"
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed;
# with none, the client is REMOTE_ADDR. Behind the nginx edge: 127.0.0.1.
TRUSTED_PROXIES = [ip_network(entry, strict=False) for entry in env.list("TRUSTED_PROXIES", default=[])]

# Only the languages the site is shipped complete in (docs/i18n.md): `make messages-check` fails
# on any string left untranslated. Each is named in its own language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Cache: local memory by default, Redis from REDIS_URL.
REDIS_URL: str = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sc",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # The cache is a shortcut, never the truth: with Redis down every read is a miss
                # and every write is dropped (and logged), and pages come from the database.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "spotifyclone"}}
# Each process keeps its own copy of the hot rows every request reads (core/hotcache.py: the tokens,
# the tracks' stream info) at most this many seconds: how long another process may act on a row
# after it changed.
HOT_CACHE_LOCAL_SECONDS = env.float("HOT_CACHE_LOCAL_SECONDS", default=5.0)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Celery: eager (in-process) by default, workers on Redis from REDIS_URL or
# CELERY_BROKER_URL. Even eager, sending a task opens a connection of the broker's
# transport; kombu's in-memory one defaults its host to localhost and warns ("No hostname
# was supplied") when the URL names none, so the embedded default names that host itself.
CELERY_BROKER_URL: str = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
if CELERY_BROKER_URL == "memory://":
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 20 * 60
CELERY_TASK_TIME_LIMIT = 25 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
# Transcoding is long and CPU-bound: its own queue, so that its workers can be
# sized apart and never hold up index updates or play counting.
CELERY_TASK_ROUTES = {
    "streaming.tasks.track_transcode*": {"queue": "transcode"},
    "streaming.tasks.track_preview_make": {"queue": "transcode"},
    "streaming.tasks.album_loudness_measure": {"queue": "transcode"},
}
# A task whose worker died unacknowledged is handed out again after this long; it must
# outlast the longest task, or a slow one would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish that finds the broker down fails fast (the task waits in the
# outbox, core/outbox.py) instead of holding a request up: one quick retry
# reconnects after a broker restart.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "core.tasks.outbox_relay", "schedule": timedelta(seconds=15)},
    "oauth-tokens-clear": {"task": "accounts.tasks.oauth_tokens_clear", "schedule": timedelta(hours=6)},
    "subscriptions-expire": {"task": "subscriptions.tasks.subscriptions_expire", "schedule": timedelta(minutes=1)},
    "albums-release-due": {"task": "catalog.tasks.albums_release_due", "schedule": timedelta(minutes=1)},
    "search-index-catch-up": {"task": "search.tasks.search_index_catch_up", "schedule": timedelta(minutes=1)},
    "search-popularity-refresh": {"task": "search.tasks.search_popularity_refresh", "schedule": timedelta(minutes=10)},
    "search-tombstones-purge": {"task": "search.tasks.search_tombstones_purge", "schedule": timedelta(hours=6)},
    "renditions-sweep": {"task": "streaming.tasks.renditions_sweep", "schedule": timedelta(hours=1)},
    "tracks-processing-resume": {"task": "streaming.tasks.tracks_processing_resume", "schedule": timedelta(minutes=30)},
    "plays-flush": {"task": "streaming.tasks.plays_flush", "schedule": timedelta(seconds=5)},
    "devices-sweep": {"task": "streaming.tasks.devices_sweep", "schedule": timedelta(hours=1)},
    "play-partitions-ahead": {"task": "streaming.tasks.play_partitions_ahead", "schedule": timedelta(hours=12)},
    "recommendations-compute": {
        "task": "recommendations.tasks.recommendations_compute",
        "schedule": timedelta(hours=6),
    },
    "insights-rollup": {"task": "insights.tasks.insights_rollup", "schedule": timedelta(minutes=10)},
}

# Blob storage: files under media/ by default, S3 (or any S3-compatible
# server) when STORAGE_BACKEND=s3 or a bucket is named.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME: str = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGE_BACKEND: str = env("STORAGE_BACKEND", default="s3" if AWS_STORAGE_BUCKET_NAME else "filesystem")
if STORAGE_BACKEND == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        # A folder in the bucket for everything but renditions (empty: the bucket's root).
        "location": env("AWS_LOCATION", default=""),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 3600,
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
    # Renditions sit at the bucket's root, where the edges pull them from.
    _renditions_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "", "file_overwrite": True, "querystring_auth": False},
    }
elif STORAGE_BACKEND == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _renditions_storage = _default_storage
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": _default_storage,
    "renditions": _renditions_storage,
    "staticfiles": {"BACKEND": "spotifyclone.staticfiles.StaticFilesStorage"},
}
# Uploads bigger than this go to a temporary file on disk, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    # First, so that an oversized upload or request stops being read as soon as it passes a limit.
    "catalog.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)
UPLOAD_MAX_SECONDS = env.int("UPLOAD_MAX_SECONDS", default=30 * 60)
# One request (all its files together) may hold this many files and bytes; past either it is refused whole.
UPLOAD_MAX_FILES = env.int("UPLOAD_MAX_FILES", default=20)
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=1024 * 1024 * 1024)
# Django's own count sits one above, so that the handler above meets the file past the limit
# first and says why; it stays the backstop for any request read without that handler.
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES + 1

# Search: the database by default, OpenSearch when SEARCH_BACKEND=opensearch.
SEARCH_BACKEND: str = env("SEARCH_BACKEND", default="database")
OPENSEARCH_URL: str = env("OPENSEARCH_URL", default="")
# Names the alias (<prefix>-catalog) and the versioned indices behind it.
SEARCH_INDEX_PREFIX: str = env("SEARCH_INDEX_PREFIX", default="spotifyclone")
SEARCH_INDEX_REPLICAS: int = env.int("SEARCH_INDEX_REPLICAS", default=0)
SEARCH_CACHE_SECONDS: int = env.int("SEARCH_CACHE_SECONDS", default=60)
if SEARCH_BACKEND not in {"database", "opensearch"}:
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be 'database' or 'opensearch', not {SEARCH_BACKEND!r}.")
if SEARCH_BACKEND == "opensearch" and not OPENSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_BACKEND=opensearch needs OPENSEARCH_URL.")

# /readyz: each dependency's check gives up after this long, and the report is kept
# this long, so that a load balancer probing often costs one round of checks.
READYZ_CHECK_TIMEOUT_SECONDS: float = env.float("READYZ_CHECK_TIMEOUT_SECONDS", default=0.5)
READYZ_CACHE_SECONDS: float = env.float("READYZ_CACHE_SECONDS", default=1.5)
# Tasks waiting in the outbox longer than this make /readyz say the outbox is degraded.
READYZ_OUTBOX_LAG_SECONDS: float = env.float("READYZ_OUTBOX_LAG_SECONDS", default=300)

# Edges: region name -> base URL of the CDN edge that serves it, written
# "eu=https://eu.cdn.example,us=https://us.cdn.example". Empty: Django serves
# signed media itself.
EDGE_URLS: dict[str, str] = dict(item.split("=", 1) for item in env.list("EDGE_URLS", default=[]) if "=" in item)
EDGE_SIGNING_KEY = _secret("EDGE_SIGNING_KEY")
# The edge for listeners whose region has none of its own.
EDGE_DEFAULT_REGION: str = env("EDGE_DEFAULT_REGION", default=next(iter(EDGE_URLS), ""))
# How stream URLs are signed: "hmac" (our edges, or a CloudFront Function doing the same
# check) or "cloudfront" (CloudFront's own signed URLs, with a key pair).
STREAM_SIGNING: str = env("STREAM_SIGNING", default="hmac")
if STREAM_SIGNING not in {"hmac", "cloudfront"}:
    raise ImproperlyConfigured(f"STREAM_SIGNING must be 'hmac' or 'cloudfront', not {STREAM_SIGNING!r}.")
CLOUDFRONT_KEY_PAIR_ID: str = env("CLOUDFRONT_KEY_PAIR_ID", default="")
CLOUDFRONT_PRIVATE_KEY: str = env("CLOUDFRONT_PRIVATE_KEY", default="").replace("\\n", "\n")
if STREAM_SIGNING == "cloudfront" and not (CLOUDFRONT_KEY_PAIR_ID and CLOUDFRONT_PRIVATE_KEY and EDGE_URLS):
    raise ImproperlyConfigured(
        "STREAM_SIGNING=cloudfront needs CLOUDFRONT_KEY_PAIR_ID, CLOUDFRONT_PRIVATE_KEY and EDGE_URLS."
    )
# How long a stream URL stays valid beyond the track's own length.
STREAM_URL_TTL = env.int("STREAM_URL_TTL", default=10 * 60)
# How long the preview of a track is that visitors without an account hear (made at transcode).
PREVIEW_SECONDS = env.float("PREVIEW_SECONDS", default=30.0)
# A play counts (history, play counts, charts) once this much of it was heard.
PLAY_COUNT_THRESHOLD_MS = env.int("PLAY_COUNT_THRESHOLD_MS", default=30_000)

# The key that encrypts listeners' Subsonic passwords at rest (docs/subsonic.md): the
# Subsonic token scheme needs the password itself, so it is kept encrypted, not hashed.
SUBSONIC_SECRET_KEY = _secret("SUBSONIC_SECRET_KEY")

# Ads on the free plan (docs/ads.md): a break is due after this many tracks or minutes of music,
# whichever comes first; it plays up to ADS_PER_BREAK ads, together at most ADS_BREAK_MAX_SECONDS long.
ADS_TRACKS_BETWEEN_BREAKS = env.int("ADS_TRACKS_BETWEEN_BREAKS", default=4)
ADS_MINUTES_BETWEEN_BREAKS = env.int("ADS_MINUTES_BETWEEN_BREAKS", default=15)
ADS_PER_BREAK = env.int("ADS_PER_BREAK", default=2)
ADS_BREAK_MAX_SECONDS = env.int("ADS_BREAK_MAX_SECONDS", default=60)

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="spotifyclone <noreply@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer tokens, held to the scopes their listener granted (spotifyclone/api/scopes.py).
        "spotifyclone.api.scopes.ScopedOAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "spotifyclone.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "spotifyclone.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, reading X-Forwarded-For only from TRUSTED_PROXIES.
        "spotifyclone.api.throttles.AnonRateThrottle",
        "spotifyclone.api.throttles.UserRateThrottle",
        "spotifyclone.api.throttles.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="300/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
        "auth": env("API_THROTTLE_AUTH", default="20/minute"),
        # Preview grants, for visitors without an account, by address (docs/player.md).
        "preview": env("API_THROTTLE_PREVIEW", default="60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "spotifyclone API",
    "DESCRIPTION": "Catalog, library, playlists, search, streaming and playback for spotifyclone.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Its deploy check builds the schema for a request to "testserver", a host production
    # refuses; tests/spotifyclone/test_schema.py builds it with every warning an error instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # Choices that share a field name ("status", "type") get a name each, so clients get stable enum names.
    "ENUM_NAME_OVERRIDES": {
        "AlbumStatusEnum": "catalog.models.Album.Status",
        "TrackStatusEnum": "catalog.models.Track.Status",
        "InvitationStatusEnum": "catalog.models.InvitationStatus",
        "ResultTypeEnum": "search.backends.KINDS",
    },
}
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("ACCESS_TOKEN_EXPIRE_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    # The scopes a listener grants an application (spotifyclone/api/scopes.py); none unless asked for.
    "SCOPES_BACKEND_CLASS": "spotifyclone.api.scopes.ListenerScopes",
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "accounts.oauth.Validator",
    # Every refresh hands out a new refresh token; presenting a spent one revokes its whole family.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    # OAuth 2.0 Security Best Current Practice (RFC 9700): no implicit or password grant, S256
    # PKCE only, tokens never in a query string, the issuer in every authorization response,
    # and tokens kept hashed at rest.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # Redirect URIs are https, or http on the loopback interface for native apps (RFC 8252):
    # http stays a known scheme here and accounts.oauth refuses it anywhere else.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
}
# The warning that http redirect URIs are allowed: they are, on loopback only (accounts/oauth.py).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]
# The client the website's own token endpoint issues tokens for.
FIRST_PARTY_CLIENT_ID = "spotifyclone-first-party"

# Security headers, on every response (docs/operations.md). The policy allows no inline
# script or style and nothing from elsewhere but the bucket (artwork) and the edges (audio).
_EDGE_ORIGINS = sorted({"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in EDGE_URLS.values()})
if STORAGE_BACKEND == "s3" and _s3_options["endpoint_url"]:
    _BUCKET_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(_s3_options["endpoint_url"]))]
elif STORAGE_BACKEND == "s3":
    _region = f".{_s3_options['region_name']}" if _s3_options["region_name"] else ""
    _BUCKET_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3{_region}.amazonaws.com"]
else:
    _BUCKET_ORIGINS = []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_BUCKET_ORIGINS],
        # blob: for hls.js, which feeds the <audio> element through Media Source Extensions
        # from a worker of its own.
        "media-src": [SELF, "blob:", *_EDGE_ORIGINS],
        "worker-src": [SELF, "blob:"],
        "connect-src": [SELF, *_EDGE_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Features the site never uses, refused for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "autoplay": ["self"],
    "fullscreen": ["self"],
    **{
        feature: []
        for feature in (
            "accelerometer",
            "bluetooth",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a proxy that ends TLS, the header it sets to say the request came over HTTPS;
    # empty when clients reach the process directly, so that none of them can claim it.
    _proxy_ssl_header: str = env("SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto")
    if _proxy_ssl_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Makes the site eligible for the browsers' preload list; it joins only once submitted to it.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"polling_at_debug": {"()": "spotifyclone.devlog.PollingAtDebug"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The development server's line per request, as Django logs it, but the player's polling
        # only at DEBUG (LOG_LEVEL=DEBUG): spotifyclone/devlog.py.
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["polling_at_debug"],
            "level": env("LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        # Django's own messages through the root's handler alone: its default adds a console handler
        # while DEBUG is on, which printed each of them twice in the terminal of `make run`.
        "django": {"handlers": []},
        "celery.app.trace": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A line per request to the cluster; its failures are logged by search.backends as warnings.
        "opensearch": {"level": "WARNING"},
    },
}
