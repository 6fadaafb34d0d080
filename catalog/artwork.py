"""Artwork and pictures: prove a file is a raster image, then make clean squares of it.

Only what Pillow can decode as a raster image gets in (no SVG, no PDF), within
a bound on bytes and pixels, and what comes out is a fresh JPEG per size with
no metadata carried over from the original.
"""

import io
import secrets
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

ARTWORK_SIZES = (64, 300, 640)
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 64
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}


class ArtworkError(ValueError):
    """The image was refused; the message says why, for a person."""


def _read_bounded(file: IO[bytes]) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ArtworkError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise ArtworkError("The image file is empty.")
    return data


def image_normalise(file: IO[bytes], *, sizes: tuple[int, ...] = ARTWORK_SIZES) -> dict[int, bytes]:
    """Square JPEGs of ``file`` at each size, or ArtworkError."""
    data = _read_bounded(file)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ArtworkError(f"{probe.format or 'This'} images are not accepted; use JPEG, PNG or WebP.")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ArtworkError(f"The image is {width}×{height} pixels; the limit is {MAX_PIXELS:,} pixels.")
            if min(width, height) < MIN_SIDE:
                raise ArtworkError(f"The image is {width}×{height} pixels; each side needs {MIN_SIDE} at least.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            image = ImageOps.exif_transpose(decoded).convert("RGB")
    except ArtworkError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ArtworkError("The file is not an image we can read (JPEG, PNG or WebP).") from None
    except (OSError, SyntaxError, ValueError):
        raise ArtworkError("The image is damaged or incomplete.") from None
    out: dict[int, bytes] = {}
    for size in sizes:
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
        out[size] = buffer.getvalue()
    return out


def artwork_store(file: IO[bytes], *, prefix: str) -> str:
    """Store every size of ``file`` under ``prefix``; return the name of the largest."""
    images = image_normalise(file, sizes=ARTWORK_SIZES)
    folder = f"{prefix}/{secrets.token_hex(8)}"
    for size, data in images.items():
        default_storage.save(f"{folder}/{size}.jpg", ContentFile(data))
    return f"{folder}/{max(ARTWORK_SIZES)}.jpg"


def artwork_delete(name: str) -> None:
    if name:
        for size in ARTWORK_SIZES:
            default_storage.delete(artwork_name(name, size))


def artwork_name(name: str, size: int) -> str:
    """The stored name of one size of the artwork whose largest size is ``name``."""
    folder, _, _ = name.rpartition("/")
    return f"{folder}/{size}.jpg"


def artwork_url(name: str, size: int) -> str:
    return default_storage.url(artwork_name(name, size)) if name else ""
