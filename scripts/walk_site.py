"""Walk every page of a running site as each kind of visitor, and fail on any server error.

Against the site that ``make serve-services-start`` runs (DEBUG off, gunicorn), with the
demo catalog loaded (``manage.py seed_demo``): as an anonymous visitor, then signed in as
the demo ``listener``, ``artist`` and ``admin`` (staff). Each walk starts from every URL of
the site that takes no argument and follows the links of each page it reads, on the site
only, and fetches once each stylesheet, script and image the pages name. It only reads
(GET): forms are never sent, sign-out is never followed. Bounded in pages per visitor
(``--max-pages``) and in time (``--max-seconds``); exits non-zero when any answer was a
5xx, a static file was missing, or a sign-in failed.

    .venv/bin/python scripts/walk_site.py [--url http://127.0.0.1:58000] [--max-pages 400]
"""

import argparse
import os
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The demo accounts (catalog/demo.py), one per kind of signed-in visitor.
PERSONAS = ("anonymous", "listener", "artist", "admin")
# Never followed: signing out ends the walk's session; the API is JSON (its HTML documentation
# is walked from the seeds); media and streams leave for the bucket or the edges.
SKIPPED = re.compile(r"^/(accounts/logout/|admin/logout/|api/(?!v1/(docs|redoc)/)|media/|stream/|edge/)")
# One path may be reached with endless query strings (sorting, filters, pages), and one kind of
# page has a path per object (/albums/1/, /albums/2/, ...): a few of each are enough.
QUERIES_PER_PATH = 3
PAGES_PER_KIND = 6
# Query parameters that only carry where a page was reached from.
IGNORED_PARAMETERS = re.compile(r"(^|&)(_changelist_filters|next)=[^&]*")


class Links(HTMLParser):
    """The links (a, area) and the assets (link, script, img) a page names."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"a", "area"} and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "link" and values.get("href") and values.get("rel") in {"stylesheet", "icon", "modulepreload"}:
            self.assets.append(values["href"] or "")
        elif tag in {"script", "img"} and values.get("src"):
            self.assets.append(values["src"] or "")


@dataclass
class Walk:
    persona: str
    pages: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)


def seeds() -> list[str]:
    """Every path of the site that takes no argument, from its URL configuration."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotifyclone.settings")
    import django

    django.setup()
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def visit(patterns: list, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if "<" not in route and "(?P" not in route:
                    visit(entry.url_patterns, prefix + route.lstrip("^"))
            elif isinstance(entry, URLPattern) and "<" not in route and not re.search(r"[()\[\]\\*+?]", route):
                found.append("/" + (prefix + route).lstrip("^").rstrip("$"))

    visit(get_resolver().url_patterns, "")
    return [*sorted({path for path in found if not SKIPPED.match(path)}), "/api/v1/docs/", "/api/v1/redoc/"]


def sign_in(session: requests.Session, base: str, username: str, password: str) -> None:
    login = f"{base}/accounts/login/"
    form = session.get(login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"the sign-in page answered {form.status_code} without a form")
    answer = session.post(
        login,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"signing in as {username} answered {answer.status_code}")


def walk(base: str, persona: str, password: str, start: list[str], max_pages: int, deadline: float) -> Walk:
    result = Walk(persona)
    session = requests.Session()
    session.headers["User-Agent"] = "spotifyclone-walk-site"
    if persona != "anonymous":
        try:
            sign_in(session, base, persona, password)
        except (RuntimeError, requests.RequestException) as exc:
            result.errors.append(f"sign-in: {exc}")
            return result
    origin = urlsplit(base).netloc
    queue: deque[str] = deque(start)
    seen: set[str] = set(start)
    queries: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    assets: set[str] = set()
    while queue and result.pages < max_pages and time.monotonic() < deadline:
        path = queue.popleft()
        started = time.monotonic()
        try:
            answer = session.get(base + path, timeout=30, allow_redirects=True)
        except requests.RequestException as exc:
            result.errors.append(f"{path}: {exc}")
            continue
        result.pages += 1
        result.statuses[answer.status_code] += 1
        result.slowest.append((time.monotonic() - started, path))
        if answer.status_code >= 500:
            result.errors.append(f"{path}: {answer.status_code}")
            continue
        final = urlsplit(answer.url)
        if final.netloc != origin or "html" not in answer.headers.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(answer.text)
        for href in parser.links:
            target = urlsplit(urldefrag(urljoin(answer.url, href)).url)
            if target.scheme not in {"http", "https"} or target.netloc != origin or SKIPPED.match(target.path):
                continue
            query = IGNORED_PARAMETERS.sub("", target.query).lstrip("&")
            link = target.path + (f"?{query}" if query else "")
            kind = re.sub(r"\d+", "#", target.path)
            if link in seen or (query and queries[target.path] >= QUERIES_PER_PATH):
                continue
            if not query and kind != target.path and kinds[kind] >= PAGES_PER_KIND:
                continue
            queries[target.path] += bool(query)
            kinds[kind] += not query
            seen.add(link)
            queue.append(link)
        for src in parser.assets:
            target = urlsplit(urljoin(answer.url, src))
            if target.netloc == origin:
                assets.add(target.path)
    for path in sorted(assets):
        try:
            answer = session.get(base + path, timeout=30)
        except requests.RequestException as exc:
            result.errors.append(f"{path}: {exc}")
            continue
        result.statuses[answer.status_code] += 1
        if answer.status_code != 200:
            result.errors.append(f"{path} (named by a page): {answer.status_code}")
    if queue:
        left = "pages" if result.pages >= max_pages else "seconds"
        print(f"  {persona}: stopped at the limit of {left}, {len(queue)} links not visited")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('APP_PORT', '58000')}")
    parser.add_argument("--password", default=None, help="the demo accounts' (default: catalog/demo.py's)")
    parser.add_argument("--max-pages", type=int, default=400, help="per visitor")
    parser.add_argument("--max-seconds", type=float, default=600, help="for the whole walk")
    args = parser.parse_args()
    start = seeds()
    from catalog.demo import DEMO_PASSWORD

    base = args.url.rstrip("/")
    deadline = time.monotonic() + args.max_seconds
    failed = False
    for persona in PERSONAS:
        result = walk(base, persona, args.password or DEMO_PASSWORD, start, args.max_pages, deadline)
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(result.statuses.items()))
        print(f"{persona}: {result.pages} pages ({statuses})")
        for seconds, path in sorted(result.slowest, reverse=True)[:3]:
            print(f"  slowest: {path} {seconds * 1000:.0f} ms")
        for error in result.errors:
            print(f"  FAILED {error}")
        failed = failed or bool(result.errors)
    if failed:
        print("Some pages answered a server error (above); the site's log says why.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
