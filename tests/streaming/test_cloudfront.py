import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rest_framework.test import APIClient

from streaming.cloudfront import cloudfront_signed_url
from tests.accounts.factories import UserFactory


def _cloudfront_b64decode(value: str) -> bytes:
    return base64.b64decode(value.replace("-", "+").replace("_", "=").replace("~", "/"))


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode(), key.public_key()


def test_a_cloudfront_url_carries_a_policy_for_the_whole_folder(key_pair):
    pem, public_key = key_pair

    signed = cloudfront_signed_url(
        base="https://d111.cloudfront.net",
        scope="renditions/42/abc123/",
        file="hls/master_160.m3u8",
        ttl=600,
        key_pair_id="K2JCJMDEHXQW5F",
        private_key_pem=pem,
        now=1_800_000_000,
    )

    parts = urlsplit(signed.url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    policy_json = _cloudfront_b64decode(query["Policy"])
    statement = json.loads(policy_json)["Statement"][0]
    assert parts.path == "/renditions/42/abc123/hls/master_160.m3u8"
    assert query["Key-Pair-Id"] == "K2JCJMDEHXQW5F"
    assert statement["Resource"] == "https://d111.cloudfront.net/renditions/42/abc123/*"
    assert statement["Condition"]["DateLessThan"]["AWS:EpochTime"] == 1_800_000_600
    public_key.verify(_cloudfront_b64decode(query["Signature"]), policy_json, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303


@pytest.mark.django_db
def test_the_stream_endpoint_signs_for_cloudfront_when_told(published_track, settings, key_pair):
    settings.STREAM_SIGNING = "cloudfront"
    settings.EDGE_URLS = {"global": "https://d111.cloudfront.net"}
    settings.EDGE_DEFAULT_REGION = "global"
    settings.CLOUDFRONT_KEY_PAIR_ID = "K2JCJMDEHXQW5F"
    settings.CLOUDFRONT_PRIVATE_KEY = key_pair[0]
    api = APIClient()
    api.force_authenticate(UserFactory())

    body = api.get(f"/api/v1/tracks/{published_track.pk}/stream/").json()

    assert body["url"].startswith(f"https://d111.cloudfront.net/renditions/{published_track.pk}/")
    assert "Signature=" in body["url"]
    assert body["hls_url"].split("?")[0].endswith("/hls/master_160.m3u8")
