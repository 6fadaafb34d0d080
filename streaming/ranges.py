"""HTTP byte ranges (RFC 9110, section 14): what part of a file a request asks for."""

import re

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRangeError(ValueError):
    """The range asks for nothing inside the file: answer 416."""


def byte_range(header: str | None, *, size: int) -> tuple[int, int] | None:
    """(first, last) byte to send, inclusive; None to send the whole file.

    Understands ``bytes=a-b``, ``bytes=a-`` and ``bytes=-n``. A header we do
    not understand, or one asking for several ranges at once, is ignored and
    the whole file is sent, which the RFC allows.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last n bytes
        length = int(last_text)
        if length == 0 or size == 0:
            raise UnsatisfiableRangeError(header)
        return max(0, size - length), size - 1
    first = int(first_text)
    if first >= size:
        raise UnsatisfiableRangeError(header)
    last = int(last_text) if last_text else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)
