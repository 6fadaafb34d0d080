"""Short-lived signed URLs for renditions, checked by the edge alone.

A URL carries its token in the path, in front of the object's key::

    {edge}/s/{expires}/{cap}/{signature}/renditions/{track_id}/{version}/{file}

``signature`` is the unpadded base64url HMAC-SHA256, under the edge key, of
``"{expires}:{cap}:/renditions/{track_id}/{version}/"``. It covers a whole
folder (the scope), not one file, so the relative URIs inside an HLS
playlist (``aac_160/index.m3u8``, ``seg_00001.m4s``) resolve to URLs that
carry the same valid token; and it carries the listener's bitrate cap
(kbit/s), so that no file of a higher bitrate in that folder (``aac_320``,
``master_320``) is served on it. It binds nothing a CDN cannot see (no client
address, no cookie), so any edge can check it with the key alone, and cache
the bytes under the object's key, without the token.
"""

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass

# The folder a token covers: one version of one track's renditions, or of one ad's (ads/{campaign_id}/...).
SCOPE = re.compile(r"(?:renditions|ads)/[0-9]+/[A-Za-z0-9]+/")
TOKEN_PATH = re.compile(
    r"s/(?P<expires>[0-9]{1,12})/(?P<cap>[0-9]{1,4})/(?P<signature>[A-Za-z0-9_-]{43})/"
    r"(?P<scope>(?:renditions|ads)/[0-9]+/[A-Za-z0-9]+/)(?P<rest>[^\n]*)"
)
# Files named for a bitrate: aac_160.m4a, hls/aac_160/..., hls/master_160.m3u8.
BITRATE_IN_PATH = re.compile(r"(?:aac|master)_([0-9]+)")


class SigningError(ValueError):
    pass


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires: int


def signature(*, scope: str, expires: int, cap: int, key: str) -> str:
    if not SCOPE.fullmatch(scope):
        raise SigningError(f"Not a rendition folder: {scope!r}")
    digest = hmac.new(key.encode(), f"{expires}:{cap}:/{scope}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_url(
    *, base: str, scope: str, file: str, cap: int, ttl: int, key: str, now: float | None = None
) -> SignedUrl:
    """A URL for ``scope + file`` on the edge at ``base``, valid for ``ttl`` seconds, up to ``cap`` kbit/s."""
    expires = int(now if now is not None else time.time()) + ttl
    token = signature(scope=scope, expires=expires, cap=cap, key=key)
    return SignedUrl(url=f"{base.rstrip('/')}/s/{expires}/{cap}/{token}/{scope}{file}", expires=expires)


def verify(*, token_path: str, key: str, now: float | None = None) -> str:
    """The object key a signed path (``s/...``) grants, or SigningError saying why not."""
    match = TOKEN_PATH.fullmatch(token_path)
    if match is None:
        raise SigningError("The URL is not signed.")
    expires = int(match["expires"])
    if expires < int(now if now is not None else time.time()):
        raise SigningError("The URL has expired.")
    cap = int(match["cap"])
    expected = signature(scope=match["scope"], expires=expires, cap=cap, key=key)
    if not hmac.compare_digest(expected, match["signature"]):
        raise SigningError("The signature does not match.")
    rest = match["rest"]
    if not rest or ".." in rest.split("/") or rest.startswith("/"):
        raise SigningError("The URL names no file in its folder.")
    # Compared as numbers without int(): a bitrate of thousands of digits is simply too high.
    if any(len(kbps.lstrip("0")) > len(str(cap)) or int(kbps) > cap for kbps in BITRATE_IN_PATH.findall(rest)):
        raise SigningError("The URL does not cover this bitrate.")
    return match["scope"] + rest
