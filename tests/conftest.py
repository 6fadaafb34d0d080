import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from catalog.models import Artist, ArtistMembership
from catalog.services.artists import artist_create
from catalog.synth import audio_synthesise
from core.counters import rate_tallies_forget
from core.hotcache import hot_forget_here
from core.translations import catalogues_compile
from search.backends import search_backends_forget
from spotifyclone.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.live import LiveServerGate

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Every search index a test builds is named after this run, and deleted at its end. Each
# pytest-xdist worker is a process of its own, so each has its own run name too.
SEARCH_INDEX_RUN = f"test-{uuid.uuid4().hex[:8]}"
# "gw0", "gw1", ... in a pytest-xdist worker; empty in a run of one process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _redis_database_of_this_run() -> None:
    """Point the cache and the broker at a Redis database of this process's own.

    Tests clear the cache (a FLUSHDB) and fill the broker's queues, so two workers on one
    database would empty each other's. Database 0 is left to the site itself
    (`make serve-services`); worker gwN uses N + 1, a run of one process 1. The settings
    are read before this file, so they are changed here, before anything connects.
    """
    if not django_settings.REDIS_URL:
        return
    number = int(XDIST_WORKER.removeprefix("gw") or 0) + 1
    shared = django_settings.REDIS_URL
    url = urlsplit(shared)._replace(path=f"/{number}").geturl()
    django_settings.REDIS_URL = url
    django_settings.CACHES["default"]["LOCATION"] = url
    broker: str = django_settings.CELERY_BROKER_URL
    if broker == shared:  # a broker of its own elsewhere is left alone
        django_settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url


_redis_database_of_this_run()
# The translations as the site reads them: a catalogue changed since it was last compiled is compiled
# again (`make test` does it too; a run of pytest alone must not test yesterday's French).
catalogues_compile()


@pytest.fixture(scope="session", autouse=True)
def _search_indices_dropped() -> Iterator[None]:
    yield
    if django_settings.SEARCH_BACKEND == "opensearch":
        from search.client import opensearch_client

        opensearch_client().indices.delete(index=f"{SEARCH_INDEX_RUN}-*", ignore_unavailable=True)


def _services_configured() -> bool:
    return bool(
        django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        and django_settings.REDIS_URL
        and django_settings.STORAGE_BACKEND == "s3"
        and django_settings.SEARCH_BACKEND == "opensearch"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``services`` needs the real ones: under CI it fails without them, never skips."""
    if item.get_closest_marker("services") and not _services_configured():
        reason = "needs the real services: run `make services-up`, then `make test-services`"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)  # on a laptop only: under CI it has failed just above


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> Iterator[None]:
    """SQLite tests run on a file, not in memory, so the live server's threads have connections of their own.

    An in-memory database is one connection shared by the test and every request
    the live server answers at once, and threads in one connection trip over each
    other's transactions. On a file each thread waits for SQLite's lock as the
    embedded default's own server does. The file sits in shared memory when there is one.
    """
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        shared_memory = Path("/dev/shm")  # noqa: S108 - a private folder made in it just below
        parent = shared_memory if shared_memory.is_dir() else None
        folder = Path(tempfile.mkdtemp(prefix="spotifyclone-test-", dir=parent))
        database.setdefault("TEST", {})["NAME"] = str(folder / "db.sqlite3")
        yield
        shutil.rmtree(folder, ignore_errors=True)  # made for this run alone, so never reused
        return
    yield


@pytest.fixture(autouse=True)
def _live_server_gated(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test with the live server gets it to itself: see tests/live.py."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so flushed only once the gate has drained
    server = request.getfixturevalue("live_server").thread.httpd
    gate = server.get_app()
    if not isinstance(gate, LiveServerGate):
        gate = LiveServerGate(gate)
        server.set_app(gate)
    gate.opened()
    yield
    gate.close_and_drain()


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test writes its blobs somewhere of its own and starts with an empty cache."""
    # Hashing passwords slowly protects real accounts, not test ones.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if settings.STORAGE_BACKEND == "s3":
        default = settings.STORAGES["default"]
        options = {**default["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    else:
        settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    # Search indices of their own too (none exists until a test builds one), and a search
    # backend that has not seen another test's cluster go away.
    settings.SEARCH_INDEX_PREFIX = f"{SEARCH_INDEX_RUN}-{uuid.uuid4().hex[:12]}"
    search_backends_forget()
    cache.clear()
    hot_forget_here()
    rate_tallies_forget()


@pytest.fixture
def redis_round_trips(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every command sent to Redis from now on, one entry per round trip (a pipeline or a script is one)."""
    from redis.connection import Connection

    sent: list[bytes] = []
    send = Connection.send_packed_command

    def counted(self: Connection, command: Any, check_health: bool = True) -> None:
        sent.append(command)
        send(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counted)
    return sent


@pytest.fixture(autouse=True)
def _eager_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process unless a test brings up a real worker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# People and an artist, for the catalog's and streaming's tests.


@pytest.fixture
def owner(db: None) -> User:
    return UserFactory(username="owner")


@pytest.fixture
def editor(db: None) -> User:
    return UserFactory(username="editor")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(username="stranger")


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def admin_client_(client: Client, staff: User) -> Client:
    """The test client signed in as a superuser of the admin."""
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


@pytest.fixture
def artist(owner: User, editor: User) -> Artist:
    artist = artist_create(name="Aurora Fields", owner=owner)
    ArtistMembership.objects.create(artist=artist, user=editor, role=ArtistMembership.Role.EDITOR)
    return artist


@pytest.fixture(scope="session")
def audio_bytes(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bytes]:
    """The bytes of one short generated file per format, made once for the whole run."""
    cache: dict[str, bytes] = {}

    def get(fmt: str = "mp3") -> bytes:
        if fmt not in cache:
            path = tmp_path_factory.mktemp("audio") / f"shared.{fmt}"
            cache[fmt] = audio_synthesise(path, seconds=2, fmt=fmt, seed=7).read_bytes()
        return cache[fmt]

    return get
