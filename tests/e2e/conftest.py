"""Browser tests: Playwright's sync API driving the system's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it is pointed at Debian's
``chromium`` (``CHROMIUM_PATH`` to use another). Without it the tests skip on a
laptop and fail under CI. Screenshots go to ``artifacts/screenshots/``
(``ARTIFACTS_DIR`` to move it), which CI keeps.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Album, Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add
from catalog.services.tracks import track_upload
from catalog.synth import audio_synthesise
from tests.catalog.conftest import png_bytes
from tests.conftest import IN_CI

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
PASSWORD = "listen-to-the-music"
TRACK_SECONDS = 20
SCREENSHOTS = Path(os.environ.get("ARTIFACTS_DIR", django_settings.BASE_DIR / "artifacts")) / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Chromium of the system's, for one test."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)  # on a laptop only: under CI it has failed just above
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _embedded_edge(settings: Any) -> None:
    """Django's own edge serves the audio in either mode; the nginx edges have their own tests."""
    settings.EDGE_URLS = {}


@pytest.fixture(scope="session")
def long_audio(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], bytes]:
    """Tracks long enough to keep playing while a test walks around, made once per run."""
    made: dict[int, bytes] = {}

    def get(seed: int) -> bytes:
        if seed not in made:
            path = tmp_path_factory.mktemp("e2e-audio") / f"track-{seed}.flac"
            made[seed] = audio_synthesise(path, seconds=TRACK_SECONDS, fmt="flac", seed=seed).read_bytes()
        return made[seed]

    return get


@pytest.fixture
def album(transactional_db: None, artist: Any, owner: Any, long_audio: Callable[[int], bytes]) -> Album:
    """A published album of three tracks, uploaded and transcoded the way an artist's are."""
    titles = ["Polar Night", "Magnetic North", "Aurora"]
    tracks: list[Track] = []
    for seed, title in enumerate(titles, start=1):
        tracks.append(track_upload(artist=artist, by=owner, file=SimpleUploadedFile(f"{title}.flac", long_audio(seed))))
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")
    album_tracks_add(album=album, by=owner, track_ids=[t.pk for t in tracks])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("cover.png", png_bytes()))
    album_publish(album=album, by=owner)
    assert Track.objects.filter(album=album, status=Track.Status.READY).count() == 3
    return album


@pytest.fixture
def listener(transactional_db: None) -> Any:
    from tests.accounts.factories import UserFactory

    user = UserFactory(username="lena")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """Save the page as it looks at a phone's width and a desktop's."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> None:
        size = page.viewport_size
        for width, height in ((390, 844), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
        page.set_viewport_size(size)

    return take


def sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Sign ``user`` in through the login form, as a person does, and land on the home page."""
    from django.urls import reverse

    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
