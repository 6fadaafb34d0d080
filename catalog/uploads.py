"""Reading uploads: stop an oversized file while it arrives, and say which one it was."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


def upload_refusals(request: HttpRequest) -> list[tuple[str, str]]:
    """(file name, reason) for each file that was refused while it was being received."""
    refusals: list[tuple[str, str]] = getattr(request, "_upload_refusals", [])
    return refusals


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any file that grows past ``UPLOAD_MAX_BYTES``; the others in the request go on."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit = settings.UPLOAD_MAX_BYTES
        if start + len(raw_data) > limit:
            refusals = getattr(self.request, "_upload_refusals", [])
            refusals.append((self.file_name or "file", f"The file is larger than {limit // (1024 * 1024)} MB."))
            self.request._upload_refusals = refusals  # type: ignore[union-attr]
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
