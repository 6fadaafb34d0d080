"""Playlist pictures: an uploaded cover, or a mosaic of the first tracks' artwork.

Both are stored the way catalog.artwork stores album artwork: clean square
JPEGs at every size, in a folder of their own, named by the largest.
"""

import io
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from catalog.artwork import ARTWORK_SIZES, artwork_name

TILE_SOURCE_SIZE = 300


def _open(name: str) -> Image.Image | None:
    try:
        with default_storage.open(artwork_name(name, TILE_SOURCE_SIZE)) as file:
            image = Image.open(io.BytesIO(file.read()))
            image.load()
            return image.convert("RGB")
    except (OSError, ValueError):
        return None


def mosaic_render(artwork_names: list[str], *, size: int) -> bytes | None:
    """A ``size`` square JPEG: four artworks in a two-by-two grid, or the first alone when there are fewer."""
    images = [image for image in map(_open, artwork_names) if image is not None]
    if not images:
        return None
    canvas = Image.new("RGB", (size, size))
    if len(images) < 4:
        canvas.paste(ImageOps.fit(images[0], (size, size), Image.Resampling.LANCZOS))
    else:
        half = size // 2
        for n, image in enumerate(images[:4]):
            tile = ImageOps.fit(image, (size - half if n % 2 else half, size - half if n // 2 else half))
            canvas.paste(tile, (half * (n % 2), half * (n // 2)))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    return buffer.getvalue()


def mosaic_store(artwork_names: list[str], *, prefix: str) -> str:
    """Store every size of the mosaic under ``prefix``; return the name of the largest, or "" for none."""
    folder = f"{prefix}/{secrets.token_hex(8)}"
    stored = ""
    for size in ARTWORK_SIZES:
        data = mosaic_render(artwork_names, size=size)
        if data is None:
            return ""
        stored = default_storage.save(f"{folder}/{size}.jpg", ContentFile(data))
    return stored
