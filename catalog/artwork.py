"""Artwork: every size of an artist's picture, an album's artwork or a playlist's cover, stored.

The image itself is checked and squared by ``core.images`` (what accounts uses
for avatars too); here are the sizes the catalog keeps and where they go.
"""

import secrets
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.images import ImageError, image_normalise

ARTWORK_SIZES = (64, 300, 640)
# What a refused picture raises, by the name the catalog's callers know it.
ArtworkError = ImageError


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
