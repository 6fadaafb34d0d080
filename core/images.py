"""Pictures people upload: prove a file is a raster image, then make clean squares of it.

Only what Pillow can decode as a raster image gets in (no SVG, no PDF), within
a bound on bytes and pixels, and what comes out is a fresh JPEG per size with
no metadata carried over from the original. Used for avatars (accounts) and
for artwork and covers (``catalog/artwork.py``, which stores the sizes).
"""

import io
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 64
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}


class ImageError(ValueError):
    """The image was refused; the message says why, for a person."""


def _read_bounded(file: IO[bytes]) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(_("The image is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise ImageError(_("The image file is empty."))
    return data


def image_normalise(file: IO[bytes], *, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """Square JPEGs of ``file`` at each size, or ImageError."""
    data = _read_bounded(file)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ImageError(
                    _("%(format)s images are not accepted; use JPEG, PNG or WebP.") % {"format": probe.format}
                    if probe.format
                    else _("These images are not accepted; use JPEG, PNG or WebP.")
                )
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    _("The image is %(width)s×%(height)s pixels; the limit is %(limit)s pixels.")
                    % {"width": width, "height": height, "limit": f"{MAX_PIXELS:,}"}
                )
            if min(width, height) < MIN_SIDE:
                raise ImageError(
                    _("The image is %(width)s×%(height)s pixels; each side needs %(side)s at least.")
                    % {"width": width, "height": height, "side": MIN_SIDE}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            image = ImageOps.exif_transpose(decoded).convert("RGB")
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ImageError(_("The file is not an image we can read (JPEG, PNG or WebP).")) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageError(_("The image is damaged or incomplete.")) from None
    out: dict[int, bytes] = {}
    for size in sizes:
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
        out[size] = buffer.getvalue()
    return out
