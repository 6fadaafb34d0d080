"""Hundreds of listeners at once against the whole site, and again with Redis stopped half-way.

    .venv/bin/python bench/bench_load.py [--listeners 500] [--seconds 60] [--spawn-rate 4]
                                         [--scenario both|healthy|redis-down]

Needs the services running (`make services-up`: PostgreSQL, Redis, the S3 origin,
OpenSearch and the nginx edges). Settings come from scripts/services.env; variables
already in the environment win. The bench runs the site as `make serve-services` does
(scripts/serve.sh run: collectstatic when needed, migrate, the search index, then gunicorn
with deploy/gunicorn.conf.py and its defaults, a Celery worker on both queues and beat,
``DEBUG=false``) on a free loopback port, with its pid files and log under
var/bench-load/ (the log stays there after the run), and stops it at the end.

The site keeps every production setting: HTTPS only, secure cookies, HSTS, CSRF, the
throttles at their rates. The client stands where a TLS-ending proxy would: each request
says ``X-Forwarded-Proto: https`` and ``X-Forwarded-For`` with the listener's own address,
and the app trusts those headers from 127.0.0.1 only (``TRUSTED_PROXIES``, the documented
setting for a proxy in front), so each listener is throttled and locked out on its own.

It migrates the services database, runs seed_demo when it holds no ready published track
(real audio, transcoded, a few minutes once), and adds --listeners listener accounts
(``load-listener-0001``...; one in four on the premium plan) with a playlist each, once.

The listeners are locust users (locust as a library, headless). Each signs in through
the sign-in form when it arrives (--spawn-rate a second), then, until the end, picks one
thing at a time, with a pause of --think seconds (a range) between:

- opens pages: home, an album, an artist, the library;
- searches as it types: the search page, then the partial results for a word typed one
  letter at a time;
- listens: asks for a stream (the grant API), fetches the audio from the signed edge URL
  with ``Range`` (the first 64 KB, then the next pieces as the play goes), polls the
  player's state, reports the play (with the grant's receipt) as it goes and when it
  ends;
- likes a track, adds one to its playlist (the website's forms, as its scripts post them);
- now and then signs out and in again, or asks the API for a token (``POST
  /api/v1/auth/token/``), as a phone would.

Every answer is checked (status, and what the page or body must hold); anything else is
an error, counted by request type and reason. Measured after every listener has arrived:

1. healthy: --seconds with everything up;
2. redis-down: --seconds again, Redis stopped (``scripts/services.sh stop redis``) at half
   of it and started again at the end (always, in a ``finally``); the two halves are shown
   apart.

For each window: requests, requests/s and errors by request type, p50/p99 of each, and
what the machine did (load average, CPU of gunicorn, the worker, the edges and this
client, how busy all cores were). Bounded: --listeners users for a fixed time, loopback
only. Figures only: nothing here passes or fails on time; errors make the exit status 1.
"""

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# locust patches the standard library for gevent on import: before anything opens a socket.
from locust import HttpUser, between, events, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stream import (  # noqa: E402 - locust first
    BenchError,
    CpuMeter,
    Url,
    api,
    background_busy,
    check_python_packages,
    children_of,
    edge_pids,
    free_port,
    load_average,
    machine,
    manage,
    nginx_binary,
    note,
    percentile,
    services_env,
    wait_for,
    wait_for_edges,
)

LISTENER_PASSWORD = "listen-under-load"  # noqa: S105 - the bench's own accounts, on loopback
FIRST_BYTES = 65536
PIECE_BYTES = 262144

# ---------------------------------------------------------------- data

SEED = """
import json, sys
from django.contrib.auth.hashers import make_password
from django.db import transaction
from accounts.models import Profile, User
from accounts.services import profile_plan_set
from catalog.models import Album, Track
from playlists.models import Playlist
from playlists.services.playlists import playlist_create

count, password = {count}, {password!r}
names = [f"load-listener-{{n:04d}}" for n in range(1, count + 1)]
have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
hashed = make_password(password) if len(have) < count else ""
for n, name in enumerate(names, start=1):
    if name not in have:
        with transaction.atomic():
            # One hash for all: the same cost to check at sign-in as any other, made once.
            user = User(username=name, email=f"{{name}}@load.invalid", display_name=f"Load Listener {{n}}")
            user.password = hashed
            user.save()
            if n % 4 == 0:
                profile_plan_set(profile=user.profile, plan=Profile.Plan.PREMIUM)
missing = User.objects.filter(username__in=names).exclude(playlists__name="On the bus")
for user in missing:
    playlist_create(owner=user, name="On the bus", visibility=Playlist.Visibility.PRIVATE)
playlists = dict(
    Playlist.objects.filter(owner__username__in=names, name="On the bus").values_list("owner__username", "pk")
)
albums = list(
    Album.objects.filter(status=Album.Status.PUBLISHED).values("pk", "title", "artist__slug", "artist__name")
)
tracks = list(
    Track.objects.filter(status=Track.Status.READY, album__status=Album.Status.PUBLISHED).values(
        "pk", "title", "duration_ms", "album_id"
    )
)
# Ready in the database, gone from the bucket (an S3 server that keeps blobs in memory was
# restarted): transcode those again here, or every fetch from the edges would be a 404.
from django.core.files.storage import default_storage
from streaming.models import TrackMedia
from streaming.tasks import track_transcode
lost = [
    media.track_id
    for media in TrackMedia.objects.filter(track_id__in=[track["pk"] for track in tracks])
    if not any(default_storage.listdir(f"renditions/{{media.track_id}}/{{media.version}}"))
]
for track_id in lost:
    track_transcode.apply(args=[track_id, True])
still_lost = [
    media.track_id
    for media in TrackMedia.objects.filter(track_id__in=lost)
    if not any(default_storage.listdir(f"renditions/{{media.track_id}}/{{media.version}}"))
]
print(json.dumps({{
    "created": count - len(have), "transcoded": len(lost) - len(still_lost), "lost": still_lost,
    "playlists": playlists, "albums": albums, "tracks": tracks
}}))
"""


@dataclass
class Catalog:
    albums: list[dict[str, Any]]
    tracks: list[dict[str, Any]]
    playlists: dict[str, int]
    words: list[str]


def catalog_load(env: dict[str, str], *, listeners: int, seed_timeout: float) -> Catalog:
    manage(env, "migrate", "--noinput", timeout=600)
    state = json.loads(
        manage(env, "shell", "-c", SEED.format(count=listeners, password=LISTENER_PASSWORD), timeout=900)
        .strip()
        .splitlines()[-1]
    )
    if not state["tracks"]:
        note(f"data: seeding the demo catalog (seed_demo, transcodes in this process; up to {seed_timeout:.0f} s)...")
        manage({**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, "seed_demo", timeout=seed_timeout)
        state = json.loads(
            manage(env, "shell", "-c", SEED.format(count=listeners, password=LISTENER_PASSWORD), timeout=900)
            .strip()
            .splitlines()[-1]
        )
    if not state["tracks"]:
        raise BenchError("no ready track on a published album after seed_demo")
    if state.get("lost"):
        raise BenchError(
            f"{len(state['lost'])} ready tracks have neither renditions nor an original in storage (was the bucket "
            "emptied while the database was kept?): start from empty services (make services-down, remove "
            "$SERVICES_HOME/postgres) and run the bench again, which seeds the demo catalog"
        )
    words = sorted(
        {
            word
            for item in state["albums"] + state["tracks"]
            for text in (item["title"], item.get("artist__name", ""))
            for word in text.split()
            if len(word) >= 4 and word.isalpha()
        }
    )
    note(
        f"data: {len(state['tracks'])} ready tracks on {len(state['albums'])} published albums; "
        f"{listeners} listener accounts ({state['created']} made now); "
        f"{state.get('transcoded', 0)} tracks transcoded again, their renditions missing from storage"
    )
    return Catalog(state["albums"], state["tracks"], state["playlists"], words)


# ---------------------------------------------------------------- what was measured


@dataclass
class Window:
    label: str
    started: float = 0.0
    ended: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # name -> ms
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    nbytes: int = 0
    cpu: CpuMeter | None = None
    load: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Recorder:
    """Every request locust reports lands in the window that is open at the time."""

    def __init__(self) -> None:
        self.window = Window("arrival")
        self.windows: list[Window] = []

    def request(
        self, request_type: str, name: str, response_time: float, response_length: int, exception: Any, **_: Any
    ) -> None:
        window = self.window
        if exception is not None:
            window.errors[(name, reason_of(exception))] += 1
            return
        window.times[name].append(response_time)
        window.nbytes += response_length or 0

    def open(self, label: str, groups: dict[str, Callable[[], list[int]]]) -> None:
        meter = CpuMeter(dict(groups)).__enter__()
        self.window = Window(label, started=time.monotonic(), cpu=meter)

    def close(self) -> Window:
        window = self.window
        window.ended = time.monotonic()
        if window.cpu is not None:
            window.cpu.__exit__(None, None, None)
        window.load = load_average()
        self.windows.append(window)
        self.window = Window("between")
        return window


def reason_of(exception: Any) -> str:
    text = str(exception).strip().splitlines()[0] if str(exception).strip() else type(exception).__name__
    return text[:120]


RECORDER = Recorder()
events.request.add_listener(RECORDER.request)


@events.user_error.add_listener
def user_error(user_instance: Any, exception: Exception, tb: Any, **_: Any) -> None:
    """Something a listener did broke in the client itself (a body that is not JSON, say): an error too."""
    RECORDER.window.errors[("listener", f"{type(exception).__name__}: {reason_of(exception)}")] += 1


# ---------------------------------------------------------------- the listeners


class RefusedError(Exception):
    """An answer the listener did not expect."""


class Site:
    """What every listener shares: the app's address and the catalog."""

    origin = ""
    catalog: Catalog
    number = 0


def numbered() -> int:
    Site.number += 1
    return Site.number


class Listener(HttpUser):
    wait_time = between(3.0, 12.0)

    def on_start(self) -> None:
        self.number = numbered()
        self.username = f"load-listener-{self.number:04d}"
        self.playlist = Site.catalog.playlists[self.username]
        # An address of its own, as the proxy in front would say it.
        self.address = f"10.77.{self.number // 250}.{self.number % 250 + 1}"
        self.rng = random.Random(self.number)
        self.signed_in = False
        with suppress(RefusedError):
            self.sign_in()

    # ------------------------------------------------------------ HTTP

    def headers(self, unsafe: bool = False, **extra: str) -> dict[str, str]:
        # A browser on HTTPS sends its Secure cookies back; here TLS ends in front of the app, so the
        # client, which sees plain HTTP, is told to send them as the browser would.
        for cookie in self.client.cookies:
            cookie.secure = False
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address, **extra}
        if unsafe:
            headers["Origin"] = Site.origin
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken") or ""
        return headers

    @contextmanager
    def call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        expect: int = 200,
        must: str = "",
        unsafe: bool = False,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """A request to the app, failed (an error) unless it answers ``expect`` and, if given, holds ``must``."""
        headers = self.headers(unsafe=unsafe, **kwargs.pop("headers", {}))
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}" if response.status_code else str(response.error))
                raise RefusedError(name)
            if must and must not in response.text:
                response.failure(f"no {must!r} in the answer")
                raise RefusedError(name)
            yield response

    def page(self, path: str, name: str, must: str = "") -> str:
        with self.call("GET", path, name, must=must) as response:
            return str(response.text)

    # ------------------------------------------------------------ what listeners do

    def ready(self) -> bool:
        """Signed in; if not (the first try failed), it tries again instead of what it was about to do."""
        if not self.signed_in:
            with suppress(RefusedError):
                self.sign_in()
            return False
        return True

    def sign_in(self) -> None:
        self.signed_in = False
        self.client.cookies.clear()
        self.page("/accounts/login/", "sign in: form page", must="csrfmiddlewaretoken")
        form = {
            "username": self.username,
            "password": LISTENER_PASSWORD,
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
        }
        with self.call("POST", "/accounts/login/", "sign in: POST", expect=302, unsafe=True, data=form) as response:
            if response.headers.get("Location") != "/" or "sessionid" not in self.client.cookies:
                response.failure(f"not signed in (Location {response.headers.get('Location')})")
            else:
                self.signed_in = True

    @task(2)
    def browse(self) -> None:
        if not self.ready():
            return
        with suppress(RefusedError):
            self.page("/", "page: home", must="</html>")
            album = self.rng.choice(Site.catalog.albums)
            self.pause(1, 4)
            self.page(f"/albums/{album['pk']}/", "page: album", must=album["title"].split()[0])
            self.pause(1, 4)
            self.page(f"/artists/{album['artist__slug']}/", "page: artist", must="</html>")

    @task(1)
    def library(self) -> None:
        if not self.ready():
            return
        with suppress(RefusedError):
            self.page("/library/", "page: library", must="</html>")

    @task(2)
    def search(self) -> None:
        if not self.ready():
            return
        with suppress(RefusedError):
            self.page("/search/", "page: search", must="</html>")
            word = self.rng.choice(Site.catalog.words).lower()
            self.pause(0.5, 2)
            for end in range(2, min(len(word), 6) + 1):
                with self.call(
                    "GET",
                    "/search/",
                    "search: as you type",
                    params={"q": word[:end], "partial": "1"},
                    headers={"X-Requested-With": "fetch"},
                ):
                    pass
                self.pause(0.15, 0.4)

    @task(5)
    def listen(self) -> None:
        if not self.ready():
            return
        track = self.rng.choice(Site.catalog.tracks)
        with suppress(RefusedError):
            grant = self.grant(track["pk"])
            granted = time.monotonic()
            Url.parse(grant["url"])  # the bench sends traffic to loopback only: refuses any other address
            size = self.edge(grant["url"], 0, FIRST_BYTES - 1)
            duration_ms = int(grant.get("duration_ms") or track["duration_ms"] or 30000)
            listen_ms = min(duration_ms, int(self.rng.uniform(10_000, 40_000)))
            offset = FIRST_BYTES
            while True:
                self.pause(3, 6)
                heard = min(listen_ms, int(1000 * (time.monotonic() - granted)))
                if size and offset < size:
                    self.edge(grant["url"], offset, min(size, offset + PIECE_BYTES) - 1)
                    offset += PIECE_BYTES
                with self.call("GET", "/api/v1/me/player/", "api: player state", expect=204):
                    pass
                ended = heard >= listen_ms
                self.play(track["pk"], grant["play_token"], heard, ended=ended and listen_ms == duration_ms)
                if ended:
                    break

    def grant(self, track_id: int) -> dict[str, Any]:
        """The stream grant; a free listener who owes an ad break first hears it, as the web player does."""
        path = f"/api/v1/tracks/{track_id}/stream/"
        with self.client.request(
            "GET", path, name="api: stream grant", headers=self.headers(), catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 409 and '"ad_break_due"' in response.text:
                response.success()
                due = True
            elif response.status_code != 200 or "play_token" not in response.text:
                response.failure(f"HTTP {response.status_code}" if response.status_code else str(response.error))
                raise RefusedError("api: stream grant")
            else:
                return dict(response.json())
        if due:
            with self.call("POST", "/api/v1/me/ad-breaks/", "api: ad break", expect=201, unsafe=True) as r:
                ad_break = r.json()
            for ad in ad_break["ads"]:
                Url.parse(ad["url"])
                self.edge(ad["url"], 0, FIRST_BYTES - 1)
            self.pause(ad_break["duration_ms"] / 1000 + 0.2, ad_break["duration_ms"] / 1000 + 0.5)
            with self.call(
                "POST",
                f"/api/v1/me/ad-breaks/{ad_break['id']}/complete/",
                "api: ad break over",
                expect=204,
                unsafe=True,
            ):
                pass
        with self.call("GET", path, "api: stream grant", must="play_token") as r:
            return dict(r.json())

    @task(1)
    def like(self) -> None:
        if not self.ready():
            return
        track = self.rng.choice(Site.catalog.tracks)
        action = "like" if self.rng.random() < 0.8 else "unlike"
        with (
            suppress(RefusedError),
            self.call(
                "POST",
                f"/library/tracks/{track['pk']}/like/",
                "web: like",
                unsafe=True,
                must='"liked"',
                data={"action": action},
                headers={"Accept": "application/json"},
            ),
        ):
            pass

    @task(1)
    def add_to_playlist(self) -> None:
        if not self.ready():
            return
        track = self.rng.choice(Site.catalog.tracks)
        with (
            suppress(RefusedError),
            self.call(
                "POST",
                "/playlists/add-track/",
                "web: add to playlist",
                unsafe=True,
                must="snapshot_id",
                data={"playlist": self.playlist, "track": track["pk"]},
                headers={"Accept": "application/json"},
            ),
        ):
            pass

    @task(1)
    def come_back(self) -> None:
        """One listener in a while signs out and in again, or a phone asks for a token."""
        if not self.ready():
            return
        if self.rng.random() > 0.05:
            return
        with suppress(RefusedError):
            if self.rng.random() < 0.5:
                with self.call("POST", "/accounts/logout/", "sign out: POST", expect=302, unsafe=True):
                    pass
                self.sign_in()
            else:
                body = {"username": self.username, "password": LISTENER_PASSWORD}
                with self.call("POST", "/api/v1/auth/token/", "api: token", must="access_token", json=body):
                    pass

    # ------------------------------------------------------------ pieces

    def pause(self, low: float, high: float) -> None:
        time.sleep(self.rng.uniform(low, high))  # gevent's sleep: locust patched time

    def edge(self, url: str, first: int, last: int) -> int:
        """A piece of the audio from the edge; the whole file's size."""
        with self.client.get(
            url,
            name="edge: audio range",
            headers={"Range": f"bytes={first}-{last}"},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 206:
                response.failure(f"HTTP {response.status_code}" if response.status_code else str(response.error))
                raise RefusedError("edge")
            if len(response.content) != last - first + 1 and not response.headers.get("Content-Range", "").endswith(
                f"/{last + 1}"
            ):
                response.failure(f"{len(response.content)} bytes for {last - first + 1}")
                raise RefusedError("edge")
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            return int(total) if total.isdigit() else 0

    def play(self, track_id: int, token: str, heard: int, *, ended: bool) -> None:
        body = {"track": track_id, "play_token": token, "ms_played": heard, "ended": ended}
        with self.call("POST", "/api/v1/me/player/plays/", "api: play report", expect=202, unsafe=True, json=body):
            pass


# ---------------------------------------------------------------- servers


def app_env(env: dict[str, str], scratch: Path, port: int) -> dict[str, str]:
    """The services-mode settings with production's defaults, behind a TLS-ending proxy on 127.0.0.1.

    scripts/serve.sh turns HTTPS-only off on a loopback with no TLS; a proxy that ends TLS in front
    is what production has, so here they stay on and the proxy's headers are trusted from 127.0.0.1.
    """
    env = dict(env)
    for name in ("API_THROTTLE_USER", "API_THROTTLE_ANON", "API_THROTTLE_AUTH", "ALLOWED_HOSTS"):
        env.pop(name, None)
    env.update(
        {
            "SERVE_HOME": str(scratch / "serve"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "SECURE_HSTS_SECONDS": str(365 * 24 * 3600),
            "SECURE_COOKIES": "true",
            "TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


@dataclass
class Served:
    """The site as `make serve-services` runs it (scripts/serve.sh run), in a process group of its own."""

    scratch: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.scratch / "serve.log"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def children(self) -> dict[str, int]:
        """gunicorn, worker and beat: their pids, from serve.sh's file."""
        try:
            text = (self.scratch / "serve" / "children.pids").read_text()
        except OSError:
            return {}
        return {name: int(pid) for name, pid in (line.split() for line in text.splitlines() if line.strip())}

    def start(self, env: dict[str, str], *, seconds: float) -> Url:
        base = Url.parse(f"http://{env['GUNICORN_BIND']}/")
        command = ["/bin/bash", str(ROOT / "scripts" / "serve.sh"), "run"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
        process = self.process
        try:
            wait_for(
                "the site (scripts/serve.sh run)",
                lambda: api(base, "GET", "/healthz")[0] == 200,
                seconds=seconds,
                alive=lambda: process.poll() is None,
            )
        except BenchError as exc:
            raise BenchError(f"{exc}; its log ends with:\n{self.log_tail()}") from None
        return base

    def stop(self) -> None:
        """TERM to serve.sh, which stops gunicorn, the worker and beat; past gunicorn's graceful 30 s, KILL."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(
                f"warning: scripts/serve.sh (pid {process.pid}) did not stop in 60 s; killing its group",
                file=sys.stderr,
            )
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def process_tree(pid: int) -> Callable[[], list[int]]:
    return lambda: [pid, *children_of(pid)]


def redis(action: str) -> None:
    done = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "services.sh"), action, "redis"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"scripts/services.sh {action} redis failed: {(done.stdout + done.stderr).strip()[-400:]}")


# ---------------------------------------------------------------- the run


def ms(value: float) -> str:
    return f"{'n/a':>8}" if math.isnan(value) else f"{value:8.1f}"


def print_window(window: Window) -> None:
    total = sum(len(times) for times in window.times.values())
    errors = sum(window.errors.values())
    rate = total / window.seconds if window.seconds else math.nan
    print()
    print(
        f"{window.label}: {window.seconds:.1f} s, {total} requests ({rate:.1f}/s), {errors} errors, "
        f"{window.nbytes / 1e6:.1f} MB; load average {window.load}"
    )
    print(f"  {'request':<24} {'n':>7} {'req/s':>7} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    names = sorted(set(window.times) | {name for name, _ in window.errors})
    for name in names:
        times = window.times.get(name, [])
        failed = sum(count for (which, _), count in window.errors.items() if which == name)
        per_second = len(times) / window.seconds if window.seconds else math.nan
        top = max(times) if times else math.nan
        print(
            f"  {name:<24} {len(times):7d} {per_second:7.1f} {failed:7d} "
            f"{ms(percentile(times, 50))} {ms(percentile(times, 99))} {ms(top)}"
        )
    if window.cpu is not None and window.seconds:
        parts = ", ".join(f"{name} {used / window.seconds:.2f}" for name, used in window.cpu.used.items())
        busy = f"{100 * window.cpu.busy / window.cpu.total:.0f}%" if window.cpu.total else "n/a"
        print(f"  CPU (cores busy on average): {parts}; all cores {busy} busy")
    for (name, reason), count in window.errors.most_common(15):
        print(f"  ! {name}: {reason} x{count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=500, help="listeners at once")
    parser.add_argument("--seconds", type=float, default=60, help="length of each measured window")
    parser.add_argument("--spawn-rate", type=float, default=4, help="listeners arriving (and signing in) a second")
    parser.add_argument("--think", type=float, nargs=2, default=[3.0, 12.0], help="pause between actions, seconds")
    parser.add_argument(
        "--scenario", choices=["both", "healthy", "redis-down"], default="both", help="which windows to measure"
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config's)")
    parser.add_argument("--seed-timeout", type=float, default=1800, help="deadline of seed_demo, when it is needed")
    args = parser.parse_args()
    if args.listeners < 1 or args.listeners > 5000 or args.seconds <= 0 or args.spawn_rate <= 0:
        parser.error("--listeners from 1 to 5000, --seconds and --spawn-rate above 0")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        failed = run(args)
    except BenchError as exc:
        print(f"bench_load: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if failed else 0)


def run(args: argparse.Namespace) -> int:
    env = services_env()
    nginx_binary()
    check_python_packages()
    wait_for_edges(env, seconds=90)
    # Kept after the run (var/ is not in git): the site's log says what any error was.
    scratch = ROOT / "var" / "bench-load"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = app_env(env, scratch, free_port())
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    Site.catalog = catalog_load(env, listeners=args.listeners, seed_timeout=args.seed_timeout)
    served = Served(scratch)
    try:
        note("starting the site: scripts/serve.sh run (collectstatic when needed, migrate, search index)...")
        app = served.start(env, seconds=args.seed_timeout)
        return measure(args, env, app, served)
    finally:
        served.stop()


def measure(args: argparse.Namespace, env: dict[str, str], app: Url, served: Served) -> int:
    Site.origin = f"https://{app.host}:{app.port}"
    pids = served.children()
    groups = {name: process_tree(pid) for name, pid in pids.items() if name != "beat"}
    groups["edges"] = edge_pids(env)
    workers = env.get("GUNICORN_WORKERS") or f"{2 * (os.cpu_count() or 1) + 1} (2 x CPUs + 1)"
    app_command = (
        f"scripts/serve.sh run (make serve-services): gunicorn -c deploy/gunicorn.conf.py, {workers} workers x "
        f"{env.get('GUNICORN_THREADS', '4')} threads, Celery worker (concurrency {env.get('CELERY_CONCURRENCY', '2')}) "
        "and beat; DEBUG=false, HTTPS only behind the proxy headers"
    )
    idle_busy, load_before = background_busy(), load_average()

    Listener.wait_time = between(*args.think)
    environment = Environment(user_classes=[Listener], events=events, host=f"http://{app.host}:{app.port}")
    runner = environment.create_local_runner()
    started = time.monotonic()
    arrival = args.listeners / args.spawn_rate
    redis_stopped = False
    try:
        RECORDER.open("arrival: listeners arrive and sign in", groups)
        runner.start(args.listeners, spawn_rate=args.spawn_rate)
        deadline = started + arrival + 120
        while runner.user_count < args.listeners and time.monotonic() < deadline:
            time.sleep(0.5)
        if runner.user_count < args.listeners:
            raise BenchError(f"only {runner.user_count} of {args.listeners} listeners arrived")
        # Those who arrived last are still signing in: let them, so the windows hold steady traffic.
        time.sleep(10)
        RECORDER.close()
        if args.scenario in ("both", "healthy"):
            note(f"measuring: {args.listeners} listeners, {args.seconds:.0f} s, everything up")
            RECORDER.open("1. healthy", groups)
            time.sleep(args.seconds)
            RECORDER.close()
        if args.scenario in ("both", "redis-down"):
            half = args.seconds / 2
            note(f"measuring: {args.listeners} listeners, {args.seconds:.0f} s, Redis stopped after {half:.0f} s")
            RECORDER.open("2a. redis-down scenario, first half: everything up", groups)
            time.sleep(half)
            RECORDER.close()
            redis_stopped = True
            redis("stop")
            RECORDER.open("2b. redis-down scenario, second half: Redis stopped", groups)
            time.sleep(half)
            RECORDER.close()
    finally:
        runner.quit()
        if redis_stopped:
            redis("start")
    note(f"done in {time.monotonic() - started:.0f} s")

    print(f"machine: {machine()}")
    print(f"background: machine {100 * idle_busy:.0f}% busy with the bench idle; load average {load_before} before")
    print(f"app: {app_command}")
    catalog = Site.catalog
    print(
        f"listeners: {args.listeners}, arriving {args.spawn_rate:g}/s (each signs in), think "
        f"{args.think[0]:g}-{args.think[1]:g} s; catalog {len(catalog.tracks)} tracks on {len(catalog.albums)} albums"
    )
    for window in RECORDER.windows:
        print_window(window)
    errors = sum(sum(window.errors.values()) for window in RECORDER.windows)
    print()
    print(f"errors in all: {errors}; the site's log: {served.log.relative_to(ROOT)}")
    return errors


if __name__ == "__main__":
    main()
