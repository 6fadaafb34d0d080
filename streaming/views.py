"""Streaming for browsers: the redirect to a signed URL, and the embedded edge.

The embedded edge serves renditions when no CDN edge is configured (the
laptop default). It checks the same signatures the nginx edges check and
answers byte ranges, reading the file in chunks, never whole.
"""

import mimetypes
from collections.abc import Iterator
from typing import IO, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET, require_http_methods

from accounts.auth import AuthenticatedHttpRequest
from catalog.models import Track
from core.errors import error_body
from streaming.edges import local_edge_base, viewer_country
from streaming.gates import GrantRefusedError
from streaming.ranges import UnsatisfiableRangeError, byte_range
from streaming.selectors import TrackNotReadyError
from streaming.services.grants import stream_grant_issue
from streaming.signing import SigningError, verify
from streaming.storage import renditions_storage

CHUNK = 64 * 1024
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "audio/mp4",
    ".m4a": "audio/mp4",
}


@login_required
@require_GET
def stream_redirect(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    """302 to a signed URL of the track, for a browser's audio element; the play's receipt in ``Play-Token``."""
    country = viewer_country(request, profile_country=str(request.user.profile.country or ""))
    try:
        grant = stream_grant_issue(
            track_id=track_id, user=request.user, country=country, local_base=local_edge_base(request)
        )
    except (Track.DoesNotExist, TrackNotReadyError):
        raise Http404("No such track to play.") from None
    except GrantRefusedError as refusal:
        body = error_body(status_code=409, code=refusal.code, message=refusal.message, details=refusal.details)
        return JsonResponse(body, status=409, headers={"Cache-Control": "private, no-store"})
    response = HttpResponseRedirect(grant.url)
    response["Cache-Control"] = "private, no-store"
    response["Play-Token"] = grant.play_token
    return response


def _chunks(file: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(first)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def _cors(response: ResponseT) -> ResponseT:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Content-Length, Content-Range"
    return response


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def edge(request: HttpRequest, token_path: str) -> HttpResponseBase:
    """Serve ``s/{expires}/{cap}/{signature}/renditions/...`` as an edge would (embedded default only)."""
    if settings.EDGE_URLS:
        raise Http404("Audio is served by the edges.")  # never through Django when there are edges
    if request.method == "OPTIONS":
        preflight = _cors(HttpResponse(status=204))
        preflight["Access-Control-Allow-Headers"] = "Range"
        return preflight
    try:
        key = verify(token_path=f"s/{token_path}", key=settings.EDGE_SIGNING_KEY)
    except SigningError as exc:
        return _cors(HttpResponse(str(exc), status=403, content_type="text/plain"))
    storage = renditions_storage()
    try:
        size = storage.size(key)
    except (FileNotFoundError, OSError):
        return _cors(HttpResponse("No such file.", status=404, content_type="text/plain"))
    try:
        wanted = byte_range(request.headers.get("Range"), size=size)
    except UnsatisfiableRangeError:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return _cors(refused)
    first, last = wanted if wanted else (0, size - 1)
    length = last - first + 1 if size else 0
    body = _chunks(storage.open(key, "rb"), first, length) if request.method == "GET" else iter(())
    response = StreamingHttpResponse(body, status=206 if wanted else 200)
    suffix = "." + key.rsplit(".", 1)[-1] if "." in key else ""
    response["Content-Type"] = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _cors(response)
