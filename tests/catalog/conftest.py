import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.synth import audio_synthesise

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
