"""Reading uploads: stop what is too big while it arrives, and say which file or why.

Three limits hold for every multipart request, before a view sees it:

- a body over ``UPLOAD_MAX_REQUEST_BYTES`` is refused as a whole before any
  of it is read (its declared length is enough);
- a request with more than ``UPLOAD_MAX_FILES`` files is refused as a whole
  when the file past the limit begins: what was received is thrown away;
- a file that grows past ``UPLOAD_MAX_BYTES`` is skipped; the others go on.

Views ask :func:`upload_request_refusal` and :func:`upload_refusals` once
the body is read.
"""

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def size_text(size: int) -> str:
    """A byte count as a person reads it: 1.5 GB, 200 MB, 64 KB, 0 bytes (static/js/format.js writes the same)."""
    if size < 1024:
        return ngettext("%(size)s byte", "%(size)s bytes", max(size, 0)) % {"size": max(size, 0)}
    for unit, scale in ((_("%(size)s GB"), 1024**3), (_("%(size)s MB"), 1024**2)):
        if size >= scale:
            return unit % {"size": f"{size / scale:.1f}".removesuffix(".0")}
    return _("%(size)s KB") % {"size": size // 1024}


def upload_refusals(request: HttpRequest) -> list[tuple[str, str]]:
    """(file name, reason) for each file that was refused while it was being received."""
    refusals: list[tuple[str, str]] = getattr(request, "_upload_refusals", [])
    return refusals


def upload_request_refusal(request: HttpRequest) -> ValidationError | None:
    """Why the request's files were refused as a whole (none of them was kept), or None."""
    refusal: ValidationError | None = getattr(request, "_upload_request_refusal", None)
    return refusal


class SizeLimitUploadHandler(FileUploadHandler):
    """Refuses a request with too many files or too many bytes, and skips a file too large on its own."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files = 0

    def _refuse_request(self, message: str, code: str) -> None:
        self.request._upload_request_refusal = ValidationError(message, code=code)  # type: ignore[union-attr]

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        meta: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]] | None:
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if content_length > limit:
            self._refuse_request(
                _("An upload may hold %(size)s in all. Nothing was stored: send fewer files at once.")
                % {"size": size_text(limit)},
                "upload_too_large",
            )
            return QueryDict(encoding=encoding), MultiValueDict()  # the body is never read
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > settings.UPLOAD_MAX_FILES:
            self._refuse_request(
                _("An upload may hold %(count)s files at most. Nothing was stored: send the rest in another upload.")
                % {"count": settings.UPLOAD_MAX_FILES},
                "too_many_files",
            )
            # Stop storing here; the rest of the body is read and dropped so the answer reaches the client.
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit = settings.UPLOAD_MAX_BYTES
        if start + len(raw_data) > limit:
            refusals = getattr(self.request, "_upload_refusals", [])
            refusals.append(
                (self.file_name or "file", _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)})
            )
            self.request._upload_refusals = refusals  # type: ignore[union-attr]
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
