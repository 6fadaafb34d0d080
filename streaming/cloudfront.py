"""CloudFront signed URLs, for a production CDN that checks its own signatures.

Chosen with ``STREAM_SIGNING=cloudfront``. Each URL carries a custom policy
whose resource is the whole version folder (``…/renditions/<track>/<version>/*``),
and the same ``Policy``, ``Signature`` and ``Key-Pair-Id`` values work as the
CloudFront signed cookies an HLS player needs, since the relative URIs in a
playlist do not carry a query string. CloudFront's policy cannot express a
bitrate cap, so in this mode the cap is kept by the grant and the capped
master playlists only; see docs/streaming.md.
"""

import datetime as dt
import time
from functools import lru_cache

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from streaming.signing import SignedUrl


@lru_cache(maxsize=4)
def _signer(key_pair_id: str, private_key_pem: str) -> CloudFrontSigner:
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("CloudFront signing needs an RSA private key.")

    def rsa_sign(message: bytes) -> bytes:
        # CloudFront's signed URLs are RSA-SHA1 by definition.
        return key.sign(message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303

    return CloudFrontSigner(key_pair_id, rsa_sign)


def cloudfront_signed_url(
    *, base: str, scope: str, file: str, ttl: int, key_pair_id: str, private_key_pem: str, now: float | None = None
) -> SignedUrl:
    expires = int(now if now is not None else time.time()) + ttl
    signer = _signer(key_pair_id, private_key_pem)
    policy = signer.build_policy(
        resource=f"{base.rstrip('/')}/{scope}*", date_less_than=dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    )
    url = signer.generate_presigned_url(f"{base.rstrip('/')}/{scope}{file}", policy=policy)
    return SignedUrl(url=url, expires=expires)
