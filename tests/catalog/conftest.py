import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from catalog.models import Artist, ArtistMembership
from catalog.services.artists import artist_create
from catalog.synth import audio_synthesise
from tests.accounts.factories import UserFactory


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
def artist(owner: User, editor: User) -> Artist:
    artist = artist_create(name="Aurora Fields", owner=owner)
    ArtistMembership.objects.create(artist=artist, user=editor, role=ArtistMembership.Role.EDITOR)
    return artist


AudioMaker = Callable[..., Path]


@pytest.fixture
def make_audio(tmp_path: Path) -> AudioMaker:
    """Real audio, generated: make_audio("flac", seconds=2, tags={...}, cover=path)."""
    made = 0

    def make(fmt: str = "mp3", *, seconds: float = 2, name: str | None = None, **kwargs: object) -> Path:
        nonlocal made
        made += 1
        path = tmp_path / (name or f"audio{made}.{fmt}")
        return audio_synthesise(path, seconds=seconds, fmt=fmt, seed=made, **kwargs)  # type: ignore[arg-type]

    return make


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


def upload_of(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def png_bytes(width: int = 300, height: int = 300, colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def stored_names(prefix: str = "") -> list[str]:
    """Every blob in storage under ``prefix`` (this test's storage only)."""
    from django.core.files.storage import default_storage

    try:
        dirs, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}{name}" for name in files]
    for folder in dirs:
        names += stored_names(f"{prefix}{folder}/")
    return sorted(names)
