"""Stream start and edge throughput, next to nginx serving the same file statically.

    .venv/bin/python bench/bench_stream.py [--listeners 50] [--bursts 6] [--starts 4] [--samples 50]
                                           [--requests 2000] [--concurrency 20] [--rounds 5]

Needs the services running (`bash scripts/services.sh up`: PostgreSQL, Redis, the S3
origin and the nginx edges). Settings come from scripts/services.env; variables already
in the environment win. The bench starts, and stops at the end, two servers of its own,
each on a free loopback port:

- the app: gunicorn with deploy/gunicorn.conf.py as production runs it (two workers a core
  and one, four threads each, gthread), or --workers and --threads when given,
  ``DEBUG=false``, in services mode;
- a plain nginx serving a copy of the rendition from a temporary folder, configured like
  the edges (one worker, sendfile, an access log, open file descriptors kept) but with no
  signature check, no cache and no slicing: the floor an edge can be compared with.

It migrates the services database and, when it holds no ready track on a published
album, runs seed_demo (a few minutes the first time: it transcodes the demo catalog).
The demo listener logs in once per run (POST /api/v1/auth/token/).

Measured in one run, on the longest track the demo listener may stream:

1. stream start: ask the API for a stream (GET /api/v1/tracks/{id}/stream/, Bearer
   token), then GET the signed edge URL with ``Range: bytes=0-65535``; p50 and p99 of
   request start -> first audio byte, of its API part and of its edge part. Next to it
   the same first-byte measure for the signed edge URL alone and for nginx static, and
   the ratios. For a lone listener (--samples starts in a row: no queueing); for
   --listeners listeners pressing play at the same moment, --bursts times, each burst
   after the last has ended (the goal: p99 of 100 ms or less); and under sustained load,
   the same listeners each starting --starts streams in a row, on a fresh connection to
   the API each time and on a kept one. An untimed burst first warms every app thread.
   The edge cache is warmed first, so these are hits; one cold
   miss is measured on a copy of the rendition under a new version folder in the origin
   (deleted afterwards).
2. throughput: --rounds rounds, nginx static then edge in turn, of --requests full GETs of
   the rendition at --concurrency (keep-alive): requests/s, MB/s, ratio.
3. the grant next to /healthz in the same gunicorn: wrk (2 threads, keep-alive) at each
   --grant-concurrency, --grant-rounds runs of --grant-seconds of each in turn: requests/s,
   p50/p99, the app's CPU per request, and the grant / healthz ratio; for the demo listener
   on the free plan (whose grants count towards the next ad break: the demo ads run) and
   for the premium one, and the free / premium ratio. Skipped when wrk is not installed.

Every phase is bounded by a request count and by --phase-seconds. Beside each phase the
CPU time spent per request by this client, the app, the edge nginx and the static nginx
is printed (from /proc), and how busy the machine was; and, before measuring, how busy it
is with the bench idle: other work on a small machine skews every figure, and the client
itself shares the cores with the servers it measures.

The client of sections 1 and 2 is the standard library only, so they run wherever the
project's virtualenv does, bounded by request counts. Section 1's listeners are coroutines
of one asyncio loop on raw streams: a thread per listener cost the client half a
millisecond a start and put its own scheduling into the p99 it measured. Section 2 uses a
thread per connection reading into a preallocated buffer. Section 3 needs a
client lighter than the app it measures, at thousands of requests a second: wrk, bounded
by time.
Figures only: nothing here passes or fails on time.
"""

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streaming.signing import signed_url  # noqa: E402 - needs ROOT on sys.path; plain Python, no Django

DEMO_USERNAME = "listener"  # on the free plan: hears the demo ads
DEMO_PREMIUM = "premium"
DEMO_PASSWORD = "listen-to-the-demo"  # noqa: S105 - the demo login seed_demo prints
FIRST_BYTES = 65536
SOCKET_TIMEOUT = 30.0
BURST_PAUSE = 0.25  # seconds between two bursts of listeners starting at once


class BenchError(Exception):
    """Something the bench needs is missing or broken: the message says what to do."""


class ProtocolError(Exception):
    pass


# ---------------------------------------------------------------- environment


def services_env() -> dict[str, str]:
    """The environment for the app: scripts/services.env under whatever is already set."""
    env = dict(os.environ)
    path = ROOT / "scripts" / "services.env"
    if not path.exists():
        raise BenchError(f"{path} is missing")
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.strip())
        if match:
            env.setdefault(match[1], match[2])
    for name in ("DATABASE_URL", "REDIS_URL", "EDGE_URLS", "EDGE_SIGNING_KEY"):
        if not env.get(name):
            raise BenchError(f"{name} is empty: the bench needs the services-mode settings of scripts/services.env")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    env["DEBUG"] = "false"
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    # Plain HTTP on loopback, with no TLS to redirect to.
    env["SECURE_SSL_REDIRECT"] = "false"
    # One listener does every request here; the per-user rate (1200/minute) would cut a
    # second run short. The throttle still runs (one cache read and write a request).
    env["API_THROTTLE_USER"] = "100000/minute"
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")
    return env


def edges_of(env: dict[str, str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in env["EDGE_URLS"].split(",") if "=" in item)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        raise BenchError(
            "nginx is not installed: it serves the static baseline (the edges need it too). "
            "Install it with `apt-get install -y nginx`, or start the services with `bash scripts/services.sh up`."
        )
    return found


def check_python_packages() -> None:
    import importlib.util

    if importlib.util.find_spec("gunicorn") is None:
        raise BenchError(
            f"gunicorn is not installed in {sys.prefix}: run `make services-up` or `pip install -r requirements.txt`"
        )


def manage(env: dict[str, str], *args: str, timeout: float) -> str:
    command = [sys.executable, "manage.py", *args]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`manage.py {' '.join(args)}` took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BenchError(f"`manage.py {' '.join(args)}` failed (exit {done.returncode}):\n{tail}")
    return done.stdout


DATA_CHECK = f"""
import json
from accounts.models import User
from ads.models import Campaign
from catalog.models import Album, Track
ready = Track.objects.filter(status=Track.Status.READY, album__status=Album.Status.PUBLISHED).count()
ads = Campaign.objects.filter(status=Campaign.Status.READY).count()
listener = User.objects.filter(username={DEMO_USERNAME!r}).exists()
print(json.dumps({{"listener": listener, "ready": ready, "ads": ads}}))
"""


AD_COUNT_RESET = f"""
from accounts.models import User
from ads.ledger import ledger_reset
ledger_reset(user_id=User.objects.get(username={DEMO_USERNAME!r}).pk)
"""


def ensure_data(env: dict[str, str], *, seed_timeout: float) -> None:
    manage(env, "migrate", "--noinput", timeout=600)
    state = json.loads(manage(env, "shell", "-c", DATA_CHECK, timeout=120).strip().splitlines()[-1])
    if state["listener"] and state["ready"] and state["ads"]:
        note(f"data: {state['ready']} ready published tracks, {state['ads']} ready ads, demo listener present")
        return
    note(f"data: seeding the demo catalog (seed_demo, transcodes in this process; up to {seed_timeout:.0f} s)...")
    started = time.monotonic()
    # No Celery worker is assumed: the transcodes run in the seeding process itself.
    manage({**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, "seed_demo", timeout=seed_timeout)
    note(f"data: seeded in {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------- processes


def wait_for(what: str, check: Callable[[], bool], *, seconds: float, alive: Callable[[], bool] = lambda: True) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise BenchError(f"{what} exited while starting")
        try:
            if check():
                return
        except (OSError, ProtocolError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    raise BenchError(f"{what} did not answer within {seconds:.0f} s")


def stop_process(process: subprocess.Popen[bytes], *, first: int, name: str) -> None:
    """Stop a server this bench started (its own process group): ``first`` signal, then KILL."""
    if process.poll() is not None:
        return
    process.send_signal(first)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"warning: {name} (pid {process.pid}) did not stop in 20 s; killing its process group", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def process_cpu(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds of each pid still alive, all its threads (the scheduler's nanoseconds, not 10 ms ticks)."""
    seconds = {}
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        total = 0
        for task in tasks:
            try:
                total += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        seconds[pid] = total / 1e9
    return seconds


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies over all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return total - idle, total


@dataclass
class CpuMeter:
    """CPU time per group of processes (and this client's) over one phase, and how busy the machine was."""

    groups: dict[str, Callable[[], list[int]]]
    used: dict[str, float] = field(default_factory=dict)
    busy: float = 0.0  # jiffies, all cores
    total: float = 0.0
    _start: dict[str, dict[int, float]] = field(default_factory=dict)
    _start_self: float = 0.0
    _start_machine: tuple[float, float] = (0.0, 0.0)

    def __enter__(self) -> "CpuMeter":
        self._start = {name: process_cpu(pids()) for name, pids in self.groups.items()}
        self._start_self = self_cpu()
        self._start_machine = machine_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.used = {"client": self_cpu() - self._start_self}
        for name, pids in self.groups.items():
            now = process_cpu(pids())
            both = set(now) & set(self._start[name])
            self.used[name] = sum(now[pid] - self._start[name][pid] for pid in both) if both else math.nan
        busy, total = machine_cpu()
        self.busy, self.total = busy - self._start_machine[0], total - self._start_machine[1]

    @classmethod
    def add(cls, meters: list["CpuMeter"]) -> "CpuMeter":
        summed = cls(meters[0].groups)
        for meter in meters:
            for name, used in meter.used.items():
                summed.used[name] = summed.used.get(name, 0.0) + used
            summed.busy += meter.busy
            summed.total += meter.total
        return summed

    def line(self, requests: int) -> str:
        if not requests:
            return "CPU: no requests"
        # Groups that did (next to) nothing in this phase are left out.
        parts = [f"{name} {1000 * used / requests:.3f}" for name, used in self.used.items() if used / requests > 1e-5]
        busy = f"{100 * self.busy / self.total:.0f}%" if self.total else "n/a"
        return f"CPU ms per request: {', '.join(parts)}; machine busy {busy}"


# ---------------------------------------------------------------- HTTP


@dataclass
class Url:
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> "Url":
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None:
            raise BenchError(f"not an http URL: {url}")
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise BenchError(f"the bench only sends traffic to loopback addresses, not to {parts.hostname}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return cls(parts.hostname, parts.port or 80, path)

    def request(self, extra: str = "") -> bytes:
        return (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUser-Agent: bench-stream\r\n{extra}\r\n"
        ).encode("latin-1")

    def connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=SOCKET_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    length: int
    first_byte: float  # perf_counter() when the first body byte arrived
    keep_alive: bool


def _head(raw: memoryview) -> tuple[int, dict[str, str], int]:
    """A response's status, headers (names lowercased) and Content-Length, from its head without the blank line."""
    lines = bytes(raw).decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" not in headers:
        raise ProtocolError(f"response without Content-Length (Transfer-Encoding: {headers.get('transfer-encoding')})")
    return status, headers, int(headers["content-length"])


class Reader:
    """One HTTP/1.1 exchange at a time on a socket, the body read into a reused buffer."""

    def __init__(self, size: int = 1 << 20) -> None:
        self.buffer = bytearray(size)
        self.view = memoryview(self.buffer)

    def fetch(self, sock: socket.socket, request: bytes, sink: bytearray | None = None) -> Reply:
        sock.sendall(request)
        used = 0
        while True:
            count = sock.recv_into(self.view[used:])
            arrived = time.perf_counter()
            if count == 0:
                raise ProtocolError("connection closed before the response headers")
            used += count
            end = self.buffer.find(b"\r\n\r\n", 0, used)
            if end >= 0:
                break
            if used == len(self.buffer):
                raise ProtocolError("response headers too long")
        status, headers, size = _head(self.view[:end])
        got = used - (end + 4)
        if got > size:
            raise ProtocolError("more bytes than Content-Length")
        if sink is not None:
            sink += self.view[end + 4 : used]
        first = arrived if got or not size else None
        while got < size:
            count = sock.recv_into(self.view[: min(len(self.buffer), size - got)])
            if count == 0:
                raise ProtocolError("connection closed in the middle of the body")
            if first is None:
                first = time.perf_counter()
            if sink is not None:
                sink += self.view[:count]
            got += count
        assert first is not None
        return Reply(status, headers, got, first, headers.get("connection", "").lower() != "close")


def one_get(
    url: Url, *, extra: str = "", sink: bytearray | None = None, reader: Reader | None = None
) -> tuple[float, Reply]:
    """A GET on a fresh connection: (perf_counter at its start, reply)."""
    started = time.perf_counter()
    sock = url.connect()
    try:
        return started, (reader or Reader()).fetch(sock, url.request(extra), sink)
    finally:
        sock.close()


def api(base: Url, method: str, path: str, *, token: str = "", body: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(base.host, base.port, timeout=SOCKET_TIMEOUT)
    try:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------- figures


def note(line: str) -> None:
    """Progress, on stderr: stdout has the figures only."""
    print(line, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{'n/a':>8}" if math.isnan(seconds) else f"{1000 * seconds:8.2f}"


def ratio(a: float, b: float) -> str:
    return "n/a" if math.isnan(a) or math.isnan(b) or not b else f"{a / b:6.2f}x"


@dataclass
class Phase:
    samples: list[float] = field(default_factory=list)
    api: list[float] = field(default_factory=list)
    edge: list[float] = field(default_factory=list)
    cache: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    nbytes: int = 0
    cpu: CpuMeter | None = None
    rates: list[float] = field(default_factory=list)  # requests/s of each round

    @classmethod
    def add(cls, phases: list["Phase"]) -> "Phase":
        summed = cls()
        for phase in phases:
            summed.samples += phase.samples
            summed.api += phase.api
            summed.edge += phase.edge
            summed.cache += phase.cache
            summed.errors += phase.errors
            summed.elapsed += phase.elapsed
            summed.nbytes += phase.nbytes
            summed.rates.append(len(phase.samples) / phase.elapsed if phase.elapsed else math.nan)
        summed.cpu = CpuMeter.add([phase.cpu for phase in phases if phase.cpu])
        return summed


def run_threads(count: int, target: Callable[[threading.Barrier], None], *, deadline: float) -> float:
    """Run ``count`` threads released together; the seconds from their release to the last one's end."""
    released: list[float] = []
    barrier = threading.Barrier(count, action=lambda: released.append(time.perf_counter()), timeout=60)
    threads = [threading.Thread(target=target, args=(barrier,), daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Sockets time out after SOCKET_TIMEOUT, so no thread outlives this by much.
        thread.join(timeout=max(1.0, deadline - time.perf_counter()) + 2 * SOCKET_TIMEOUT)
    if any(thread.is_alive() for thread in threads):
        print("warning: some client threads did not finish in time", file=sys.stderr)
    return time.perf_counter() - released[0] if released else 0.0


class Connection:
    """An HTTP/1.1 client connection for the event loop, on a raw non-blocking socket.

    The same reading as Reader (a reused buffer, one exchange at a time), so that a
    listener costs the client little more than the system calls its requests need.
    """

    def __init__(self, url: Url) -> None:
        self.url = url
        self.sock: socket.socket | None = None
        self.buffer = bytearray(FIRST_BYTES + 8192)
        self.view = memoryview(self.buffer)

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET6 if ":" in self.url.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await loop.sock_connect(sock, (self.url.host, self.url.port))
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    async def exchange(self, request: bytes, *, keep_body: bool = False) -> tuple[Reply, bytes]:
        """One request and its reply: the reply, and its body when ``keep_body``."""
        if self.sock is None:
            await self.open()
        assert self.sock is not None
        loop, sock, view = asyncio.get_running_loop(), self.sock, self.view
        await loop.sock_sendall(sock, request)
        used = 0
        while True:
            count = await loop.sock_recv_into(sock, view[used:])
            arrived = time.perf_counter()
            if count == 0:
                raise ProtocolError("connection closed before the response headers")
            used += count
            end = self.buffer.find(b"\r\n\r\n", 0, used)
            if end >= 0:
                break
            if used == len(self.buffer):
                raise ProtocolError("response headers too long")
        status, headers, size = _head(view[:end])
        got = used - (end + 4)
        if got > size:
            raise ProtocolError("more bytes than Content-Length")
        body = bytearray(view[end + 4 : used]) if keep_body else bytearray()
        first = arrived if got or not size else None
        while got < size:
            count = await loop.sock_recv_into(sock, view[: min(len(self.buffer), size - got)])
            if count == 0:
                raise ProtocolError("connection closed in the middle of the body")
            if first is None:
                first = time.perf_counter()
            if keep_body:
                body += view[:count]
            got += count
        assert first is not None
        keep_alive = headers.get("connection", "").lower() != "close"
        if not keep_alive:
            self.close()
        return Reply(status, headers, got, first, keep_alive), bytes(body)


async def _get(url: Url, request: bytes, *, keep_body: bool = False) -> tuple[Reply, bytes]:
    """A GET on a fresh connection, closed after the reply."""
    connection = Connection(url)
    try:
        return await connection.exchange(request, keep_body=keep_body)
    finally:
        connection.close()


def run_listeners(
    count: int, listener: Callable[[], Coroutine[Any, Any, None]], *, phase: Phase, deadline: float
) -> None:
    """``count`` listeners released at the same moment, as coroutines of one event loop.

    One thread, so the client costs a fraction of a millisecond a request and no listener
    waits for another's turn at the interpreter: with a thread per listener, the client's
    own scheduling showed in the p99 it was measuring.
    """

    async def crowd() -> float:
        started = time.perf_counter()
        # Every listener stops at the phase's deadline; this bounds a server that stops answering.
        try:
            async with asyncio.timeout(deadline - started + 2 * SOCKET_TIMEOUT):
                await asyncio.gather(*(listener() for _ in range(count)))
        except TimeoutError:
            phase.errors["no answer by the deadline"] += 1
        return time.perf_counter() - started

    with phase.cpu or contextlib.nullcontext():
        phase.elapsed = asyncio.run(crowd())


def first_byte_phase(url: Url, *, listeners: int, starts: int, seconds: float, expect: int, meter: CpuMeter) -> Phase:
    """``listeners`` at once, each GETting the first 64 KB ``starts`` times on fresh connections."""
    phase = Phase(cpu=meter)
    request = url.request(f"Range: bytes=0-{FIRST_BYTES - 1}\r\n")
    deadline = time.perf_counter() + seconds

    async def listener() -> None:
        for _ in range(starts):
            if time.perf_counter() > deadline:
                phase.errors["deadline"] += 1
                break
            started = time.perf_counter()
            try:
                reply, _ = await _get(url, request)
            except (OSError, ProtocolError) as exc:
                phase.errors[type(exc).__name__] += 1
                continue
            if reply.status != expect:
                phase.errors[f"HTTP {reply.status}"] += 1
                continue
            phase.cache[reply.headers.get("x-cache-status", "-")] += 1
            phase.samples.append(reply.first_byte - started)

    run_listeners(listeners, listener, phase=phase, deadline=deadline)
    return phase


def stream_start_phase(
    app: Url,
    stream_path: str,
    token: str,
    *,
    listeners: int,
    starts: int,
    seconds: float,
    meter: CpuMeter,
    keep_alive: bool = False,
) -> Phase:
    """``listeners`` at once, each asking the API for a stream then GETting its first 64 KB, ``starts`` times.

    With ``keep_alive`` each listener keeps its connection to the API from one start to the next,
    as a browser keeps its connection to the site.
    """
    phase = Phase(cpu=meter)
    deadline = time.perf_counter() + seconds
    grant_request = Url(app.host, app.port, stream_path).request(
        f"Accept: application/json\r\nAuthorization: Bearer {token}\r\n"
    )

    async def listener() -> None:
        kept = Connection(app) if keep_alive else None
        try:
            for _ in range(starts):
                if time.perf_counter() > deadline:
                    phase.errors["deadline"] += 1
                    break
                started = time.perf_counter()
                try:
                    if kept is None:
                        grant, body = await _get(app, grant_request, keep_body=True)
                    else:
                        try:
                            grant, body = await kept.exchange(grant_request, keep_body=True)
                        except BaseException:
                            kept.close()  # the next start opens a new one
                            raise
                    granted = time.perf_counter()
                    if grant.status != 200:
                        phase.errors[f"API HTTP {grant.status}"] += 1
                        continue
                    edge = Url.parse(json.loads(body)["url"])
                    reply, _ = await _get(edge, edge.request(f"Range: bytes=0-{FIRST_BYTES - 1}\r\n"))
                except (OSError, ProtocolError, ValueError, KeyError) as exc:
                    phase.errors[type(exc).__name__] += 1
                    continue
                if reply.status != 206:
                    phase.errors[f"edge HTTP {reply.status}"] += 1
                    continue
                phase.cache[reply.headers.get("x-cache-status", "-")] += 1
                phase.samples.append(reply.first_byte - started)
                phase.api.append(granted - started)
                phase.edge.append(reply.first_byte - granted)
        finally:
            if kept is not None:
                kept.close()

    run_listeners(listeners, listener, phase=phase, deadline=deadline)
    return phase


def throughput_phase(url: Url, *, requests: int, concurrency: int, seconds: float, size: int, meter: CpuMeter) -> Phase:
    """``requests`` full GETs at ``concurrency``, one keep-alive connection per client thread."""
    phase = Phase(cpu=meter)
    lock = threading.Lock()
    issued = [0]
    request = url.request()
    deadline = time.perf_counter() + seconds

    def client(barrier: threading.Barrier) -> None:
        reader = Reader(1 << 20)
        sock: socket.socket | None = None
        barrier.wait()
        try:
            while True:
                with lock:
                    if issued[0] >= requests:
                        break
                    if time.perf_counter() > deadline:
                        phase.errors["deadline"] += 1
                        break
                    issued[0] += 1
                started = time.perf_counter()
                try:
                    if sock is None:
                        sock = url.connect()
                    reply = reader.fetch(sock, request)
                except (OSError, ProtocolError) as exc:
                    phase.errors[type(exc).__name__] += 1
                    if sock is not None:
                        sock.close()
                    sock = None
                    continue
                if not reply.keep_alive:
                    sock.close()
                    sock = None
                if reply.status != 200 or reply.length != size:
                    phase.errors[f"HTTP {reply.status}, {reply.length} bytes"] += 1
                    continue
                phase.samples.append(time.perf_counter() - started)
                phase.cache[reply.headers.get("x-cache-status", "-")] += 1
                with lock:
                    phase.nbytes += reply.length
        finally:
            if sock is not None:
                sock.close()

    with meter:
        phase.elapsed = run_threads(concurrency, client, deadline=deadline)
    return phase


# ---------------------------------------------------------------- servers


@dataclass
class WrkRun:
    """One wrk run against one URL: what it reports, and the CPU the servers spent meanwhile."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    not_ok: int
    errors: str
    cpu: dict[str, float] = field(default_factory=dict)


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def _wrk_ms(text: str, label: str) -> float:
    """A latency line of ``wrk --latency`` ("50%  1.23ms") in milliseconds."""
    match = re.search(rf"^\s*{re.escape(label)}\s+([0-9.]+)(us|ms|s)\b", text, re.M)
    if match is None:
        return math.nan
    return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]


def wrk_run(url: Url, path: str, *, token: str, connections: int, seconds: float, meter: CpuMeter) -> WrkRun:
    """``wrk`` for ``seconds`` (a bounded run) with ``connections`` keep-alive connections on two threads."""
    command = [
        wrk_binary() or "wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
        "--timeout", "10s", *(["-H", f"Authorization: Bearer {token}"] if token else []),
        f"http://{url.host}:{url.port}{path}",
    ]  # fmt: skip
    with meter:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    cpu = meter.used
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:300]}")
    text = done.stdout
    total = re.search(r"^\s*(\d+) requests in ([0-9.]+)(ms|s|m)", text, re.M)
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    if total is None or rps is None:
        raise BenchError(f"could not read wrk's report:\n{text}")
    elapsed = float(total[2]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[total[3]]
    not_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*$", text, re.M)
    return WrkRun(
        requests=int(total[1]),
        seconds=elapsed,
        rps=float(rps[1]),
        p50_ms=_wrk_ms(text, "50%"),
        p99_ms=_wrk_ms(text, "99%"),
        not_ok=int(not_ok[1]) if not_ok else 0,
        errors=errors[0] if errors else "",
        cpu=cpu,
    )


GrantRuns = dict[int, dict[str, list[WrkRun]]]
HEALTHZ, FREE_GRANT, PREMIUM_GRANT = "GET /healthz", "grant, free listener", "grant, premium listener"


def grant_phase(
    app: Url,
    stream_path: str,
    tokens: dict[str, str],
    *,
    concurrency: list[int],
    rounds: int,
    seconds: float,
    meter: Callable[[], CpuMeter],
) -> GrantRuns:
    """/healthz and the stream grant of each listener in ``tokens`` in turn, ``rounds`` times at each concurrency."""
    runs: GrantRuns = {}
    for connections in concurrency:
        for token in tokens.values():  # warms every thread, and each token's caches
            wrk_run(app, stream_path, token=token, connections=connections, seconds=1, meter=meter())
        series: dict[str, list[WrkRun]] = {HEALTHZ: [], **{label: [] for label in tokens}}
        for _ in range(rounds):
            series[HEALTHZ].append(
                wrk_run(app, "/healthz", token="", connections=connections, seconds=seconds, meter=meter())
            )
            for label, token in tokens.items():
                series[label].append(
                    wrk_run(app, stream_path, token=token, connections=connections, seconds=seconds, meter=meter())
                )
        runs[connections] = series
    return runs


def print_grant_phase(runs: GrantRuns, *, seconds: float, rounds: int) -> None:
    print()
    print(
        f"3. the stream grant next to /healthz in the same gunicorn: wrk, 2 threads, keep-alive, "
        f"{rounds} rounds of {seconds:g} s each, in turn"
    )
    print(f"  {'':<36} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'app CPU ms/req':>15}  rounds req/s")
    for connections, series in runs.items():
        rates = {}
        for name, group in series.items():
            label = f"{name}, {connections} connections"
            count = sum(run.requests for run in group)
            elapsed = sum(run.seconds for run in group)
            rps = count / elapsed if elapsed else math.nan
            app_cpu = sum(run.cpu.get("app", 0.0) for run in group)
            rates[name] = rps
            p50 = statistics.median(run.p50_ms for run in group)
            p99 = max(run.p99_ms for run in group)
            spread = " ".join(f"{run.rps:.0f}" for run in group)
            per_request = 1000 * app_cpu / max(count, 1)
            print(f"  {label:<36} {count:9d} {rps:9.1f} {p50:8.2f} {p99:8.2f} {per_request:15.3f}  {spread}")
            bad = sum(run.not_ok for run in group)
            if bad:
                print(f"  ! {bad} answers were not 2xx")
            for run in group:
                if run.errors:
                    print(f"  ! {run.errors}")
        for name in (FREE_GRANT, PREMIUM_GRANT):
            if name in rates:
                measured = ratio(rates[name], rates[HEALTHZ])
                print(f"  {name} / healthz at {connections} connections: req/s {measured} (goal: 0.50x or more)")
        if FREE_GRANT in rates and PREMIUM_GRANT in rates:
            # The free grant counts the music towards the next ad break: one Redis round trip more.
            free_premium = ratio(rates[FREE_GRANT], rates[PREMIUM_GRANT])
            print(f"  free / premium grant at {connections} connections: req/s {free_premium}")


@dataclass
class Servers:
    scratch: Path
    app: subprocess.Popen[bytes] | None = None
    static: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.app is not None:
            stop_process(self.app, first=signal.SIGTERM, name="gunicorn")
        if self.static is not None:
            stop_process(self.static, first=signal.SIGQUIT, name="nginx (static)")


def start_app(servers: Servers, env: dict[str, str], *, workers: int | None, threads: int | None) -> tuple[Url, str]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
        *(["-w", str(workers)] if workers else []), *(["--threads", str(threads)] if threads else []),
        "spotifyclone.wsgi",
    ]  # fmt: skip
    log = (servers.scratch / "gunicorn.log").open("wb")
    servers.app = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = Url("127.0.0.1", port, "/")
    process = servers.app
    try:
        wait_for(
            "gunicorn", lambda: api(base, "GET", "/healthz")[0] == 200, seconds=60, alive=lambda: process.poll() is None
        )
    except BenchError as exc:
        tail = "\n".join((servers.scratch / "gunicorn.log").read_text(errors="replace").splitlines()[-20:])
        raise BenchError(f"{exc}; its log ends with:\n{tail}") from None
    shown = " ".join(command[2:]).replace(sys.executable, "python")
    if not workers or not threads:
        shown += f" ({len(children_of(process.pid))} workers{'' if threads else ', threads as configured'})"
    return base, f"gunicorn {shown}"


def start_static_nginx(servers: Servers, relative: str, content: bytes) -> Url:
    """nginx on a free port, serving ``content`` at ``/relative`` from a temporary folder."""
    home = servers.scratch / "nginx"
    target = home / "www" / relative
    target.parent.mkdir(parents=True)
    target.write_bytes(content)
    for folder in (home / "logs", home / "temp"):
        folder.mkdir()
    # Workers drop root (to nobody): they must be able to read the files and write temp folders.
    for path in [servers.scratch, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = free_port()
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    (home / "nginx.conf").write_text(
        f"""
daemon off;
{user}
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/logs/error.log warn;
events {{
    worker_connections 512;
}}
http {{
    types {{ audio/mp4 m4a; }}
    default_type application/octet-stream;
    access_log {home}/logs/access.log;
    sendfile on;
    server_tokens off;
    client_body_temp_path {home}/temp/client_body;
    proxy_temp_path {home}/temp/proxy;
    fastcgi_temp_path {home}/temp/fastcgi;
    uwsgi_temp_path {home}/temp/uwsgi;
    scgi_temp_path {home}/temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {home}/www;
        location /renditions/ {{
            open_file_cache max=10000 inactive=60s;
            open_file_cache_valid 60s;
        }}
    }}
}}
"""
    )
    command = [nginx_binary(), "-p", f"{home}/", "-c", str(home / "nginx.conf"), "-e", str(home / "logs" / "error.log")]
    servers.static = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=(home / "logs" / "nginx.out").open("wb"), start_new_session=True
    )
    url = Url("127.0.0.1", port, f"/{relative}")
    process = servers.static
    try:
        wait_for(
            "nginx (static)", lambda: one_get(url)[1].status == 200, seconds=20, alive=lambda: process.poll() is None
        )
    except BenchError as exc:
        out = (home / "logs" / "nginx.out").read_text(errors="replace") + (home / "logs" / "error.log").read_text(
            errors="replace"
        )
        raise BenchError(f"{exc}:\n{out.strip()}") from None
    return url


def edge_pids(env: dict[str, str]) -> Callable[[], list[int]]:
    """The edge nginx's processes (started by scripts/services.sh), when its pid file can be read."""
    home = Path(env.get("SERVICES_HOME", "/var/tmp/spotifyclone-services"))  # noqa: S108 - services.sh's default

    def pids() -> list[int]:
        try:
            master = int((home / "nginx" / "run" / "nginx.pid").read_text().strip())
        except (OSError, ValueError):
            return []
        return [master, *children_of(master)]

    return pids


def wait_for_edges(env: dict[str, str], *, seconds: float) -> None:
    for region, base in edges_of(env).items():
        health = Url.parse(base.rstrip("/") + "/_edge/health")

        def healthy(health: Url = health) -> bool:
            return one_get(health)[1].status == 200

        try:
            wait_for(f"the {region} edge ({base})", healthy, seconds=seconds)
        except BenchError as exc:
            raise BenchError(f"{exc}: start the services with `bash scripts/services.sh up`") from None


# ---------------------------------------------------------------- the run


def login(app: Url, username: str = DEMO_USERNAME) -> str:
    # One attempt only: five failures lock the demo login out for a while.
    status, body = api(app, "POST", "/api/v1/auth/token/", body={"username": username, "password": DEMO_PASSWORD})
    if status != 200:
        raise BenchError(f"login as {username!r} failed (HTTP {status}): {body[:200]!r}")
    return str(json.loads(body)["access_token"])


def pick_track(app: Url, token: str, wanted: int | None) -> tuple[int, dict[str, Any]]:
    """The track to stream (``wanted``, or the longest the listener may stream) and its grant."""
    if wanted is not None:
        candidates = [wanted]
    else:
        status, body = api(app, "GET", "/api/v1/tracks/?page_size=100", token=token)
        if status != 200:
            raise BenchError(f"GET /api/v1/tracks/ answered {status}")
        listing = json.loads(body)
        candidates = [item["id"] for item in (listing["results"] if isinstance(listing, dict) else listing)]
    best: tuple[int, dict[str, Any]] | None = None
    for track_id in candidates[:100]:
        status, body = api(app, "GET", f"/api/v1/tracks/{track_id}/stream/", token=token)
        if status != 200:
            continue
        grant = json.loads(body)
        if best is None or grant["duration_ms"] > best[1]["duration_ms"]:
            best = (track_id, grant)
    if best is None:
        raise BenchError(f"no track the demo listener may stream among {candidates[:100]}")
    return best


def warm(edge: Url, *, seconds: float) -> tuple[float, Reply, bytes]:
    """One full GET through the edge (retried while the edge is briefly down): it fills the cache."""
    deadline = time.monotonic() + seconds
    while True:
        content = bytearray()
        try:
            started, reply = one_get(edge, sink=content)
            break
        except (OSError, ProtocolError) as exc:
            if time.monotonic() > deadline:
                raise BenchError(f"the edge did not serve the rendition: {exc}") from None
            time.sleep(1)
    if reply.status == 404:
        raise BenchError(
            "the edge answered 404: the origin has no such rendition. The S3 test server keeps objects in memory, "
            "so a restart of it loses what the database still lists; reset the services' data and run the bench again."
        )
    if reply.status != 200:
        raise BenchError(f"the edge answered {reply.status} to the warm-up GET of {edge.path}")
    return reply.first_byte - started, reply, bytes(content)


def cold_miss(env: dict[str, str], edge_base: str, key: str, cap: int) -> tuple[float, str] | str:
    """First byte of a GET that misses the edge cache: the same bytes copied to a new version folder."""
    try:
        import boto3
    except ImportError:
        return "skipped: boto3 is not installed"
    match = re.match(r"^renditions/(\d+)/[A-Za-z0-9]+/(.+)$", key)
    if match is None:
        return f"skipped: unexpected object key {key}"
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "")
    scope = f"renditions/{match[1]}/bench{uuid.uuid4().hex}/"
    client = boto3.client(
        "s3",
        endpoint_url=env.get("AWS_S3_ENDPOINT_URL"),
        region_name=env.get("AWS_S3_REGION_NAME"),
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
    )
    copy = scope + match[2]
    client.copy_object(Bucket=bucket, Key=copy, CopySource={"Bucket": bucket, "Key": key})
    try:
        url = signed_url(base=edge_base, scope=scope, file=match[2], cap=cap, ttl=600, key=env["EDGE_SIGNING_KEY"])
        started, reply = one_get(Url.parse(url.url), extra=f"Range: bytes=0-{FIRST_BYTES - 1}\r\n")
        if reply.status != 206:
            return f"failed: HTTP {reply.status}"
        return reply.first_byte - started, reply.headers.get("x-cache-status", "-")
    finally:
        client.delete_object(Bucket=bucket, Key=copy)


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    version = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True, check=False).stderr.strip()
    return (
        f"{os.cpu_count()} CPUs ({model}); {version.removeprefix('nginx version: ')}; Python {sys.version.split()[0]}"
    )


def cache_counts(phase: Phase) -> str:
    return " ".join(f"{status}:{count}" for status, count in sorted(phase.cache.items()))


def print_first_bytes(title: str, rows: list[tuple[str, Phase, list[float]]]) -> None:
    print(f"  {title:<50} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}  X-Cache-Status")
    for label, phase, values in rows:
        cache = cache_counts(phase) if values is phase.samples and phase.cache.get("-") != len(values) else ""
        print(f"  {label:<50} {len(values):5d} {ms(percentile(values, 50))} {ms(percentile(values, 99))}  {cache}")


def print_ratios(rows: list[tuple[str, list[float]]], static: list[float]) -> None:
    static_p50, static_p99 = percentile(static, 50), percentile(static, 99)
    for label, values in rows:
        p50, p99 = ratio(percentile(values, 50), static_p50), ratio(percentile(values, 99), static_p99)
        print(f"  {label + ' / nginx static:':<50} p50 {p50}, p99 {p99}")


def print_phase_notes(rows: list[tuple[str, Phase]]) -> None:
    for label, phase in rows:
        if phase.errors:
            listed = ", ".join(f"{name} x{count}" for name, count in phase.errors.most_common())
            print(f"  ! {label}: errors: {listed}")
        if phase.cpu:
            print(f"  {label + ':':<22} {phase.elapsed:6.2f} s; {phase.cpu.line(len(phase.samples))}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def background_busy(seconds: float = 2.0) -> float:
    """How busy the machine is while the bench does nothing: other work skews every figure."""
    busy, total = machine_cpu()
    time.sleep(seconds)
    busy_after, total_after = machine_cpu()
    return (busy_after - busy) / (total_after - total) if total_after > total else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=50, help="concurrent listeners for stream start")
    parser.add_argument("--bursts", type=int, default=6, help="rounds of --listeners starting at once")
    parser.add_argument("--starts", type=int, default=4, help="stream starts in a row per listener (sustained)")
    parser.add_argument("--samples", type=int, default=50, help="stream starts of a lone listener (no queueing)")
    parser.add_argument("--requests", type=int, default=2000, help="full GETs in each throughput round")
    parser.add_argument("--concurrency", type=int, default=20, help="clients in each throughput round")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds, nginx static and edge in turn")
    parser.add_argument("--phase-seconds", type=float, default=60, help="deadline of each phase")
    parser.add_argument("--grant-seconds", type=float, default=5, help="length of each wrk run of section 3")
    parser.add_argument("--grant-rounds", type=int, default=2, help="wrk runs of /healthz and the grant, in turn")
    parser.add_argument(
        "--grant-concurrency", default="8,32", help="wrk connections for section 3, comma-separated (default 8,32)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker (default: the config's)")
    parser.add_argument(
        "--track", type=int, default=None, help="track id (default: the longest the listener may stream)"
    )
    parser.add_argument("--seed-timeout", type=float, default=1800, help="deadline of seed_demo, when it is needed")
    args = parser.parse_args()
    for name in (
        "listeners",
        "bursts",
        "starts",
        "samples",
        "requests",
        "concurrency",
        "rounds",
        "workers",
        "threads",
        "grant_rounds",
    ):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    try:
        args.grant_concurrency = [int(part) for part in args.grant_concurrency.split(",")]
    except ValueError:
        parser.error("--grant-concurrency takes numbers separated by commas, such as 8,32")
    if not 0 < args.grant_seconds <= 60 or min(args.grant_concurrency) < 1:
        parser.error("--grant-seconds must be between 0 and 60, and every --grant-concurrency at least 1")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run(args)
    except BenchError as exc:
        print(f"bench_stream: {exc}", file=sys.stderr)
        sys.exit(1)


def run(args: argparse.Namespace) -> None:
    env = services_env()
    nginx_binary()
    check_python_packages()
    wait_for_edges(env, seconds=90)
    ensure_data(env, seed_timeout=args.seed_timeout)

    with tempfile.TemporaryDirectory(prefix="bench-stream-") as scratch:
        servers = Servers(Path(scratch))
        try:
            measure(args, env, servers)
        finally:
            servers.stop()


def measure(args: argparse.Namespace, env: dict[str, str], servers: Servers) -> None:
    app, app_command = start_app(servers, env, workers=args.workers, threads=args.threads)
    token, premium_token = login(app), login(app, DEMO_PREMIUM)
    # Picked as the premium listener, who owes no ad break: the free one's count starts afresh here,
    # and every grant below is of that one track, which counts once.
    track_id, _ = pick_track(app, premium_token, args.track)
    manage(env, "shell", "-c", AD_COUNT_RESET, timeout=120)
    status, body = api(app, "GET", f"/api/v1/tracks/{track_id}/stream/", token=token)
    if status != 200:
        raise BenchError(f"the demo listener's grant of track {track_id} answered {status}: {body[:200]!r}")
    grant = json.loads(body)
    stream_path = f"/api/v1/tracks/{track_id}/stream/"
    edge = Url.parse(str(grant["url"]))
    edge_base = f"http://{edge.host}:{edge.port}"
    match = re.match(r"^/s/\d+/(\d+)/[A-Za-z0-9_-]+/(renditions/.+)$", edge.path)
    if match is None:
        raise BenchError(f"unexpected signed URL {grant['url']}")
    cap, key = int(match[1]), match[2]

    warm_seconds, warm_reply, content = warm(edge, seconds=90)
    size = len(content)
    static = start_static_nginx(servers, key, content)
    check = one_get(static)[1]
    if check.length != size:
        raise BenchError(f"nginx static served {check.length} bytes, the edge {size}")
    cold = cold_miss(env, edge_base, key, cap)

    app_pid = servers.app.pid if servers.app else 0
    static_pid = servers.static.pid if servers.static else 0
    groups = {
        "app": lambda: [app_pid, *children_of(app_pid)],
        "edge nginx": edge_pids(env),
        "static nginx": lambda: [static_pid, *children_of(static_pid)],
    }

    def meter() -> CpuMeter:
        return CpuMeter(dict(groups))

    load_before, idle_busy = load_average(), background_busy()
    seconds = args.phase_seconds
    note(f"measuring: a lone listener, {args.samples} stream starts")
    alone = {"listeners": 1, "starts": args.samples, "seconds": seconds}
    lone_static = first_byte_phase(static, expect=206, meter=meter(), **alone)
    lone_edge = first_byte_phase(edge, expect=206, meter=meter(), **alone)
    lone_start = stream_start_phase(app, stream_path, token, meter=meter(), **alone)

    note(f"measuring: {args.listeners} listeners at once (after one untimed round, so every app thread is warm)")
    stream_start_phase(app, stream_path, token, listeners=args.listeners, starts=1, seconds=seconds, meter=meter())
    bursts = []
    for _ in range(args.bursts):
        time.sleep(BURST_PAUSE)
        bursts.append(
            stream_start_phase(
                app, stream_path, token, listeners=args.listeners, starts=1, seconds=seconds, meter=meter()
            )
        )
    burst_start = Phase.add(bursts)
    burst = {"listeners": args.listeners, "starts": 1, "seconds": seconds}
    burst_static = Phase.add([first_byte_phase(static, expect=206, meter=meter(), **burst) for _ in range(args.bursts)])
    burst_edge = Phase.add([first_byte_phase(edge, expect=206, meter=meter(), **burst) for _ in range(args.bursts)])
    crowd = {"listeners": args.listeners, "starts": args.starts, "seconds": seconds}
    crowd_static = first_byte_phase(static, expect=206, meter=meter(), **crowd)
    crowd_edge = first_byte_phase(edge, expect=206, meter=meter(), **crowd)
    crowd_start = stream_start_phase(app, stream_path, token, meter=meter(), **crowd)
    crowd_kept = stream_start_phase(app, stream_path, token, meter=meter(), keep_alive=True, **crowd)

    grants = None
    if wrk_binary() is not None:
        note(f"measuring: the grant next to /healthz with wrk, {args.grant_rounds} rounds at {args.grant_concurrency}")
        grants = grant_phase(
            app,
            stream_path,
            {FREE_GRANT: token, PREMIUM_GRANT: premium_token},
            concurrency=args.grant_concurrency,
            rounds=args.grant_rounds,
            seconds=args.grant_seconds,
            meter=meter,
        )

    note(f"measuring: throughput, {args.rounds} rounds of nginx static then edge")
    load = {"requests": args.requests, "concurrency": args.concurrency, "seconds": seconds, "size": size}
    static_rounds, edge_rounds = [], []
    for _ in range(args.rounds):
        static_rounds.append(throughput_phase(static, meter=meter(), **load))
        edge_rounds.append(throughput_phase(edge, meter=meter(), **load))
    static_load, edge_load = Phase.add(static_rounds), Phase.add(edge_rounds)
    load_after = load_average()

    print(f"machine: {machine()}")
    print(
        f"background: machine {100 * idle_busy:.0f}% busy with the bench idle; "
        f"load average {load_before} before, {load_after} after"
    )
    print(f"app: {app_command} (DEBUG=false, services mode)")
    print(
        f"track {track_id}: {key.rsplit('/', 1)[1]}, {size} bytes, {int(grant['duration_ms']) / 1000:.1f} s, "
        f"{grant['bitrate']} kbit/s; edge {grant['edge']} ({edge_base}); nginx static {static.host}:{static.port}"
    )
    print(
        f"warm-up GET through the edge: first byte {1000 * warm_seconds:.2f} ms, "
        f"X-Cache-Status {warm_reply.headers.get('x-cache-status', '-')}"
    )
    if isinstance(cold, str):
        print(f"cold miss: {cold}")
    else:
        print(
            f"cold miss (the same bytes under a new key in the origin, Range bytes=0-{FIRST_BYTES - 1}): "
            f"first byte {1000 * cold[0]:.2f} ms, X-Cache-Status {cold[1]}"
        )

    range_note = f"Range: bytes=0-{FIRST_BYTES - 1}"
    for title, start, edge_first, static_first in [
        (f"1a. stream start, one listener, {args.samples} starts in a row", lone_start, lone_edge, lone_static),
        (
            f"1b. stream start, {args.listeners} listeners at once, {args.bursts} times "
            f"(each time after the last has ended)",
            burst_start,
            burst_edge,
            burst_static,
        ),
        (
            f"1c. stream start under sustained load: {args.listeners} listeners, {args.starts} starts each in a row",
            crowd_start,
            crowd_edge,
            crowd_static,
        ),
        (
            f"1d. stream start under sustained load: {args.listeners} listeners, {args.starts} starts each in a row, "
            "each keeping its connection to the API as a browser does",
            crowd_kept,
            crowd_edge,
            crowd_static,
        ),
    ]:
        print()
        fresh = "to the edge" if start is crowd_kept else "for every request"
        print(f"{title} ({range_note}, a fresh connection {fresh})")
        print_first_bytes(
            "request start -> first audio byte",
            [
                ("stream start (API, then edge)", start, start.samples),
                ("  API part: GET /api/v1/tracks/{id}/stream/", start, start.api),
                ("  edge part: signed URL -> first audio byte", start, start.edge),
                ("edge alone: signed URL, cache hit", edge_first, edge_first.samples),
                ("nginx static: the same bytes", static_first, static_first.samples),
            ],
        )
        print_ratios(
            [("stream start", start.samples), ("edge part", start.edge), ("edge alone", edge_first.samples)],
            static_first.samples,
        )
        print_phase_notes([("stream start", start), ("edge alone", edge_first), ("nginx static", static_first)])
        if start is burst_start:
            print(
                f"  first audio byte with {args.listeners} listeners starting at once: "
                f"p99 {percentile(start.samples, 99) * 1000:.1f} ms (goal: 100 ms or less)"
            )
        elif start is not lone_start:
            print(
                f"  first audio byte under sustained load: p50 {percentile(start.samples, 50) * 1000:.1f} ms, "
                f"p99 {percentile(start.samples, 99) * 1000:.1f} ms"
            )

    print()
    print(
        f"2. throughput: {args.rounds} rounds x {args.requests} full GETs of the {size}-byte file, "
        f"concurrency {args.concurrency}, keep-alive"
    )
    print(f"  {'':<28} {'ok':>6} {'seconds':>8} {'req/s':>9} {'MB/s':>8} {'p50 ms':>8} {'p99 ms':>8}  rounds req/s")
    rates = {}
    for label, phase in [("edge: signed URL, cache hit", edge_load), ("nginx static", static_load)]:
        rps = len(phase.samples) / phase.elapsed if phase.elapsed else math.nan
        mbps = phase.nbytes / 1e6 / phase.elapsed if phase.elapsed else math.nan
        rates[label] = (rps, mbps)
        spread = " ".join(f"{rate:.0f}" for rate in phase.rates)
        print(
            f"  {label:<28} {len(phase.samples):6d} {phase.elapsed:8.2f} {rps:9.1f} {mbps:8.1f} "
            f"{ms(percentile(phase.samples, 50))} {ms(percentile(phase.samples, 99))}  {spread}"
        )
    (edge_rps, edge_mbps), (static_rps, static_mbps) = rates.values()
    print(f"  edge / nginx static: req/s {ratio(edge_rps, static_rps)}, MB/s {ratio(edge_mbps, static_mbps)}")
    # Each edge round ran right after a static one: the median of those pairs' ratios is the
    # figure least moved by a burst of other work on the machine during one round.
    pairs = [edge / static for edge, static in zip(edge_load.rates, static_load.rates, strict=True) if static]
    if pairs:
        spread = " ".join(f"{pair:.2f}" for pair in pairs)
        print(
            f"  edge / nginx static, median of the {len(pairs)} rounds' ratios: {statistics.median(pairs):.2f}x "
            f"(goal: 0.90x or more; rounds {spread})"
        )
    if any(status != "HIT" for status in edge_load.cache):
        print(f"  ! edge X-Cache-Status: {cache_counts(edge_load)}")
    print_phase_notes([("edge", edge_load), ("nginx static", static_load)])

    if grants is None:
        print()
        print("3. the stream grant next to /healthz: skipped, wrk is not installed (apt-get install wrk)")
    else:
        print_grant_phase(grants, seconds=args.grant_seconds, rounds=args.grant_rounds)


if __name__ == "__main__":
    main()
