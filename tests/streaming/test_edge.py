"""The nginx edges as a player meets them: signed URLs checked at the edge alone, cached, ranged.

Needs `make services-up`. The objects are put straight into the bucket, where the
transcoder puts renditions (not through default_storage, which tests prefix), in
folders of their own that no other run uses, and removed afterwards. Their bytes are
random: the edge never looks inside them.
"""

import http.client
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import boto3
import pytest
from django.conf import settings

from streaming.signing import SigningError, signed_url, verify

pytestmark = pytest.mark.services

REGIONS = ["eu", "us"]
SLICE = 1024 * 1024  # the edge's `slice` size
CAP = 160  # the listener's bitrate cap signed into every URL here, in kbit/s
# Three slices and a bit, so ranges cross slice boundaries and end inside the last one.
TRACK = os.urandom(3 * SLICE + 12_345)
VARIANT = (
    b"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n"
    b'#EXT-X-MAP:URI="init.mp4"\n#EXTINF:6.000000,\nseg_00001.m4s\n#EXT-X-ENDLIST\n'
)
INIT = os.urandom(700)
SEGMENT = os.urandom(48_000)


def _master(*bitrates: int) -> bytes:
    streams = "".join(
        f'#EXT-X-STREAM-INF:BANDWIDTH={kbps * 1100},CODECS="mp4a.40.2"\naac_{kbps}/index.m3u8\n' for kbps in bitrates
    )
    return f"#EXTM3U\n#EXT-X-VERSION:7\n{streams}".encode()


# A version folder as the transcoder lays it out, with a master playlist per cap.
FILES = {
    "aac_160.m4a": TRACK,
    "aac_320.m4a": TRACK,
    "hls/master_160.m3u8": _master(64, 160),
    "hls/master_320.m3u8": _master(64, 160, 320),
    **{
        f"hls/aac_{kbps}/{name}": body
        for kbps in (64, 160, 320)
        for name, body in {"index.m3u8": VARIANT, "init.mp4": INIT, "seg_00001.m4s": SEGMENT}.items()
    },
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    """One request, with the path sent exactly as written (no dot-segment clean-up, no proxy)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request(method, parts.path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def fetch_cached(url: str, *, headers: dict[str, str] | None = None, timeout: float = 5.0) -> Reply:
    """Fetch until the edge answers from its cache: the copy lands there as the first reply ends."""
    deadline = time.monotonic() + timeout
    while True:
        reply = fetch(url, headers=headers)
        if reply.header("X-Cache-Status") == "HIT" or time.monotonic() > deadline:
            return reply
        time.sleep(0.02)


@dataclass(frozen=True)
class Folder:
    scope: str  # renditions/{track_id}/{version}/

    def url(self, region: str, file: str, *, cap: int = CAP, ttl: int = 300, now: float | None = None) -> str:
        key = settings.EDGE_SIGNING_KEY
        base = settings.EDGE_URLS[region]
        return signed_url(base=base, scope=self.scope, file=file, cap=cap, ttl=ttl, key=key, now=now).url


def _scope(track_id: int | None = None) -> str:
    track_id = track_id if track_id is not None else 10**12 + secrets.randbelow(10**12)
    return f"renditions/{track_id}/{secrets.token_hex(8)}/"


@pytest.fixture(scope="module")
def put() -> Iterator[Callable[[str, bytes], None]]:
    """Puts an object into the bucket; every object put is deleted when the module is done."""
    options = settings.STORAGES["renditions"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    keys: list[str] = []

    def _put(key: str, body: bytes) -> None:
        s3.put_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key, Body=body)
        keys.append(key)

    yield _put
    for key in keys:
        s3.delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)


def _fill(put: Callable[[str, bytes], None], scope: str) -> Folder:
    for name, body in FILES.items():
        put(scope + name, body)
    return Folder(scope)


@pytest.fixture(scope="module")
def folder(put) -> Folder:
    """One version of one track's renditions."""
    return _fill(put, _scope())


@pytest.fixture(scope="module")
def neighbours(put, folder) -> dict[str, Folder]:
    """The same files in folders the folder's token must not open."""
    track_id = int(folder.scope.split("/")[1])
    return {"another version": _fill(put, _scope(track_id)), "another track": _fill(put, _scope())}


@pytest.fixture
def fresh(put, folder) -> str:
    """A file of the folder that no edge has cached yet."""
    name = f"fresh_{secrets.token_hex(6)}.m4a"
    put(folder.scope + name, TRACK)
    return name


@pytest.mark.parametrize("region", REGIONS)
def test_a_signed_url_serves_the_file_from_the_edge(folder, region):
    reply = fetch(folder.url(region, "aac_160.m4a"))

    assert reply.status == 200
    assert reply.body == TRACK
    assert reply.header("Content-Type") == "audio/mp4"
    assert reply.header("Content-Length") == str(len(TRACK))
    assert reply.header("X-Edge") == region
    assert reply.header("Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("region", REGIONS)
def test_an_ads_audio_is_served_from_its_own_prefix_and_its_token_opens_no_track(put, folder, region):
    ad = _fill(put, f"ads/{10**12 + secrets.randbelow(10**12)}/{secrets.token_hex(8)}/")
    reply = fetch(ad.url(region, "aac_160.m4a"))
    assert (reply.status, reply.body, reply.header("Content-Type")) == (200, TRACK, "audio/mp4")
    # The ad's token names the ad's folder: a track's under it is refused, and the object is never reached unsigned.
    token = ad.url(region, "aac_160.m4a").rsplit("/ads/", 1)[0]
    crossed = fetch(f"{token}/{folder.scope}aac_160.m4a")
    assert (crossed.status, crossed.header("X-Edge-Refused")) == (403, "signature")
    unsigned = fetch(f"{settings.EDGE_URLS[region]}/{ad.scope}aac_160.m4a")
    assert unsigned.status == 404


@pytest.mark.parametrize("region", REGIONS)
def test_every_listener_shares_one_cached_copy_whatever_their_token(folder, fresh, region):
    first = fetch(folder.url(region, fresh, ttl=300))
    fetch_cached(folder.url(region, fresh, ttl=300))
    # Another listener: a token of its own (another expiry), the same object.
    second = fetch(folder.url(region, fresh, ttl=600))

    assert (first.status, first.header("X-Cache-Status")) == (200, "MISS")
    assert (second.status, second.header("X-Cache-Status")) == (200, "HIT")
    assert first.body == second.body == TRACK


def test_each_edge_keeps_a_cache_of_its_own(folder, fresh):
    eu_first = fetch(folder.url("eu", fresh))
    eu_again = fetch_cached(folder.url("eu", fresh))
    us_first = fetch(folder.url("us", fresh))
    us_again = fetch_cached(folder.url("us", fresh))

    statuses = [reply.header("X-Cache-Status") for reply in (eu_first, eu_again, us_first, us_again)]
    assert statuses == ["MISS", "HIT", "MISS", "HIT"]
    assert us_first.body == TRACK


RANGES = {
    "bytes=0-99": (0, 99),
    "bytes=-100": (len(TRACK) - 100, len(TRACK) - 1),
    "bytes=100-": (100, len(TRACK) - 1),
    # Ends in the next slice than it starts in.
    f"bytes={SLICE - 50}-{SLICE + 49}": (SLICE - 50, SLICE + 49),
}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("header", RANGES)
def test_a_byte_range_is_served_exactly_on_a_miss_and_on_a_hit(folder, fresh, region, header):
    first, last = RANGES[header]
    url = folder.url(region, fresh)

    miss = fetch(url, headers={"Range": header})
    hit = fetch_cached(url, headers={"Range": header})

    assert miss.header("X-Cache-Status") == "MISS"
    assert hit.header("X-Cache-Status") == "HIT"
    for reply in (miss, hit):
        assert reply.status == 206
        assert reply.header("Content-Range") == f"bytes {first}-{last}/{len(TRACK)}"
        assert reply.body == TRACK[first : last + 1]


def _nginx_home() -> Path:
    """The edges' folder, as scripts/services/nginx.sh lays it out."""
    home = Path(os.environ.get("SERVICES_HOME", "/var/tmp/spotifyclone-services"))  # noqa: S108 - nginx.sh's default
    return home / "nginx"


def _stored(region: str, folder: Folder, name: str) -> Path:
    """Where the edge keeps its plain copy of a whole object."""
    return _nginx_home() / "store" / region / folder.scope / name


def _wait_for_file(path: Path, *, timeout: float = 5.0) -> bool:
    """Whether ``path`` exists by the deadline: the store renames a copy into place as its fetch ends."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("whole", [{}, {"Range": "bytes=0-"}], ids=["no range", "bytes=0-"])
def test_a_whole_object_once_read_is_kept_as_a_plain_file_that_serves_every_range(folder, fresh, region, whole):
    url = folder.url(region, fresh)
    stored = _stored(region, folder, fresh)

    part = fetch(url, headers={"Range": f"bytes={SLICE}-{SLICE + 99}"})
    kept_after_part = stored.exists()
    first = fetch(url, headers=whole)
    kept = _wait_for_file(stored)
    seek = fetch(url, headers={"Range": f"bytes={SLICE - 50}-{SLICE + 49}"})
    again = fetch(url)

    # A part is served from the cache's slices and kept nowhere else.
    assert (part.status, part.header("X-Cache-Status"), part.body) == (206, "MISS", TRACK[SLICE : SLICE + 100])
    assert not kept_after_part
    assert (first.header("X-Cache-Status"), first.body) == ("MISS", TRACK)
    assert kept
    assert stored.read_bytes() == TRACK
    assert (seek.status, seek.header("X-Cache-Status")) == (206, "HIT")
    assert seek.header("Content-Range") == f"bytes {SLICE - 50}-{SLICE + 49}/{len(TRACK)}"
    assert seek.body == TRACK[SLICE - 50 : SLICE + 50]
    assert (again.status, again.header("X-Cache-Status"), again.body) == (200, "HIT", TRACK)
    assert again.header("Content-Type") == "audio/mp4"
    assert again.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert again.headers.get_all("Access-Control-Allow-Origin") == ["*"]


def test_a_sweeper_keeps_the_store_within_its_bounds_while_the_edge_runs():
    pid = int((_nginx_home() / "run" / "sweeper.pid").read_text())
    nginx = (_nginx_home() / "nginx.pid").read_text().strip()

    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert cmdline[cmdline.index(b"edge-store-sweep") + 1].decode() == nginx
    assert cmdline[cmdline.index(b"edge-store-sweep") + 2].endswith(b"deploy/nginx/edge-store-sweep.sh")


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize(
    ("header", "content_range"),
    [
        # Past the end, inside the last slice: the edge knows the size.
        (f"bytes={len(TRACK)}-", f"bytes */{len(TRACK)}"),
        # Past the last slice: the origin refuses the slice itself, and the edge, which
        # has not learnt the size, may leave out the Content-Range (RFC 9110 says SHOULD).
        (f"bytes={10 * SLICE}-", None),
    ],
    ids=["inside the last slice", "past the last slice"],
)
def test_a_range_past_the_end_is_not_satisfiable(folder, region, header, content_range):
    reply = fetch(folder.url(region, "aac_160.m4a"), headers={"Range": header})

    assert reply.status == 416
    if content_range is not None:
        assert reply.header("Content-Range") == content_range
    assert reply.headers.get_all("Access-Control-Allow-Origin") == ["*"]


def _tamper(signature: str) -> str:
    return ("B" if signature[0] == "A" else "A") + signature[1:]


# What the edge must refuse: case -> (status, X-Edge-Refused).
REFUSALS: dict[str, tuple[int, str | None]] = {
    "tampered signature": (403, "signature"),
    "truncated signature": (403, "malformed"),
    "later expiry, same signature": (403, "signature"),
    "higher cap, same signature": (403, "signature"),
    "expired": (403, "expired"),
    "another version's folder": (403, "signature"),
    "another track's folder": (403, "signature"),
    "a file above the cap": (403, "bitrate"),
    "a variant above the cap": (403, "bitrate"),
    "a master playlist above the cap": (403, "bitrate"),
    "dot-dot inside the folder": (403, "path"),
    "dot-dot out of the folder": (403, "path"),
    "escaped dot-dot": (403, "path"),
    "no file": (403, "path"),
    "no token under /s/": (403, "malformed"),
    "no token at all": (404, None),
    "the old unsigned path": (403, "missing"),
}


def _refused_urls(folder: Folder, neighbours: dict[str, Folder], region: str) -> dict[str, str]:
    """For each case of REFUSALS, a URL that asks for a file whose bytes a slip would serve."""
    url = folder.url(region, "aac_160.m4a")
    base, token_path = url.split("/s/", 1)
    expires, cap, signature, rest = token_path.split("/", 3)
    signed = f"{base}/s/{expires}/{cap}/{signature}"
    other_track = neighbours["another track"].scope
    # renditions/{track}/{version}/../../{other track}/{its version}/: the other folder, after clean-up.
    escape = f"{folder.scope}../../{other_track.removeprefix('renditions/')}"
    return {
        "tampered signature": f"{base}/s/{expires}/{cap}/{_tamper(signature)}/{rest}",
        "truncated signature": f"{base}/s/{expires}/{cap}/{signature[:-1]}/{rest}",
        "later expiry, same signature": f"{base}/s/{int(expires) + 3600}/{cap}/{signature}/{rest}",
        "higher cap, same signature": f"{base}/s/{expires}/320/{signature}/{rest}",
        "expired": folder.url(region, "aac_160.m4a", ttl=60, now=time.time() - 120),
        "another version's folder": f"{signed}/{neighbours['another version'].scope}aac_160.m4a",
        "another track's folder": f"{signed}/{other_track}aac_160.m4a",
        "a file above the cap": f"{signed}/{folder.scope}aac_320.m4a",
        "a variant above the cap": f"{signed}/{folder.scope}hls/aac_320/index.m3u8",
        "a master playlist above the cap": f"{signed}/{folder.scope}hls/master_320.m3u8",
        # What nginx's own path clean-up would turn into the folder's aac_160.m4a.
        "dot-dot inside the folder": f"{signed}/{folder.scope}hls/../aac_160.m4a",
        "dot-dot out of the folder": f"{signed}/{escape}aac_160.m4a",
        "escaped dot-dot": f"{signed}/{folder.scope}hls/%2e%2e/aac_160.m4a",
        "no file": f"{signed}/{folder.scope}",
        "no token under /s/": f"{base}/s/{rest}",
        "no token at all": f"{base}/{rest}",
        "the old unsigned path": f"{base}/media/{rest}",
    }


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("case", REFUSALS)
def test_the_edge_refuses_what_the_token_does_not_grant(folder, neighbours, region, case):
    status, reason = REFUSALS[case]

    reply = fetch(_refused_urls(folder, neighbours, region)[case])

    assert (reply.status, reply.header("X-Edge-Refused")) == (status, reason)
    assert reply.header("Content-Type") == "text/plain"
    assert reply.header("X-Edge") == region
    assert TRACK[:1000] not in reply.body
    assert VARIANT not in reply.body
    assert len(reply.body) < 100


# Paths to aac_160.m4a's folder written in ways signed_url never writes, from its URL's
# expiry {e}, cap {c}, signature {sig} (or {bad}, tampered) and folder {scope}.
ODD_PATHS = {
    "as signed": "/s/{e}/{c}/{sig}/{scope}aac_160.m4a",
    "expiry with leading zeros": "/s/0{e}/{c}/{sig}/{scope}aac_160.m4a",
    "cap with a leading zero": "/s/{e}/0{c}/{sig}/{scope}aac_160.m4a",
    "cap of five digits": "/s/{e}/00{c}/{sig}/{scope}aac_160.m4a",
    "expiry of thirteen digits": "/s/000{e}/{c}/{sig}/{scope}aac_160.m4a",
    "padded signature": "/s/{e}/{c}/{sig}=/{scope}aac_160.m4a",
    "escaped slashes": "/s/{e}/{c}/{sig}/{scope}hls%2Faac_64%2Findex.m3u8",
    "a dot segment": "/s/{e}/{c}/{sig}/{scope}./aac_160.m4a",
    "a double slash inside": "/s/{e}/{c}/{sig}/{scope}hls//aac_64/index.m3u8",
    "a slash first": "/s/{e}/{c}/{sig}/{scope}/aac_160.m4a",
    "a bitrate inside a name": "/s/{e}/{c}/{sig}/{scope}hls/xmaster_1600.txt",
    "bitrates at the cap": "/s/{e}/{c}/{sig}/{scope}hls/aac_{c}/master_{c}.txt",
    # The edge compares bitrates digit by digit (nginx has no numbers): around the cap of 160.
    "a bitrate just below the cap": "/s/{e}/{c}/{sig}/{scope}hls/aac_159/index.m3u8",
    "a bitrate just above the cap": "/s/{e}/{c}/{sig}/{scope}hls/aac_161/index.m3u8",
    "a bitrate above the cap in its middle digit": "/s/{e}/{c}/{sig}/{scope}hls/aac_170/index.m3u8",
    "a bitrate of more digits": "/s/{e}/{c}/{sig}/{scope}aac_1000.m4a",
    "a bitrate of fewer digits after zeros": "/s/{e}/{c}/{sig}/{scope}hls/aac_00064/index.m3u8",
    "a bitrate at the cap after zeros": "/s/{e}/{c}/{sig}/{scope}hls/master_000{c}.m3u8",
    "expired and tampered": "/s/1/{c}/{bad}/{scope}aac_160.m4a",
}


@pytest.mark.parametrize("case", ODD_PATHS)
def test_the_edge_decides_as_verify_does(folder, case):
    """The edge refuses what streaming.signing.verify refuses, in its words, and lets the rest through."""
    _, _, expires, cap, signature, _ = urlsplit(folder.url("eu", "aac_160.m4a")).path.split("/", 5)
    path = ODD_PATHS[case].format(e=expires, c=cap, sig=signature, bad=_tamper(signature), scope=folder.scope)
    try:
        verify(token_path=unquote(path).removeprefix("/"), key=settings.EDGE_SIGNING_KEY)
        verdict = None
    except SigningError as error:
        verdict = str(error)

    reply = fetch(settings.EDGE_URLS["eu"] + path)

    if verdict is None:
        assert reply.status in {200, 404}  # granted; 404 when the folder holds no such file
    else:
        assert (reply.status, reply.body.decode().strip()) == (403, verdict)


@pytest.mark.parametrize("region", REGIONS)
def test_an_hls_playlist_leads_to_its_variants_and_segments_with_the_same_token(folder, region):
    master_url = folder.url(region, f"hls/master_{CAP}.m3u8")
    master = fetch(master_url)
    variant_urls = [urljoin(master_url, uri) for uri in _uris(master.body)]
    variants = [fetch(url) for url in variant_urls]
    media_urls = [
        urljoin(url, uri) for url, variant in zip(variant_urls, variants, strict=True) for uri in _uris(variant.body)
    ]
    media = [fetch(url) for url in media_urls]

    assert (master.status, master.body) == (200, FILES[f"hls/master_{CAP}.m3u8"])
    assert master.header("Content-Type") == "application/vnd.apple.mpegurl"
    assert variant_urls == [master_url.replace(f"master_{CAP}.m3u8", f"aac_{kbps}/index.m3u8") for kbps in (64, 160)]
    assert [(v.status, v.body, v.header("Content-Type")) for v in variants] == [
        (200, VARIANT, "application/vnd.apple.mpegurl")
    ] * 2
    assert [(m.status, m.body, m.header("Content-Type")) for m in media] == [
        (200, INIT, "audio/mp4"),
        (200, SEGMENT, "video/iso.segment"),
    ] * 2


def _uris(playlist: bytes) -> list[str]:
    """The URIs a playlist names, in order: its plain lines and its EXT-X-MAP's."""
    uris = []
    for line in playlist.decode().splitlines():
        if line.startswith("#EXT-X-MAP:URI="):
            uris.append(line.split('"')[1])
        elif line and not line.startswith("#"):
            uris.append(line)
    return uris


@pytest.mark.parametrize("region", REGIONS)
def test_a_player_on_another_origin_may_fetch_and_read_ranges(folder, region):
    url = folder.url(region, f"hls/master_{CAP}.m3u8")
    origin = {"Origin": "https://player.example"}

    preflight = fetch(
        url,
        method="OPTIONS",
        headers={**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range"},
    )
    ranged = fetch(url, headers={**origin, "Range": "bytes=0-6"})

    assert preflight.status == 204
    assert preflight.header("Access-Control-Allow-Origin") == "*"
    assert preflight.header("Access-Control-Allow-Headers") == "Range"
    assert preflight.header("Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS"
    assert (ranged.status, ranged.body) == (206, b"#EXTM3U")
    # Exactly one of each: the origin's own CORS headers must not come through as well.
    assert ranged.headers.get_all("Access-Control-Allow-Origin") == ["*"]
    assert ranged.headers.get_all("Access-Control-Expose-Headers") == ["Content-Length, Content-Range"]


@pytest.mark.parametrize("region", REGIONS)
def test_an_audio_element_marked_crossorigin_may_read_the_progressive_file_it_seeks_in(folder, region):
    # The web player routes the element through Web Audio (its loudness gain), which is silent
    # unless every answer, from the origin or the cache, allows the site's origin to read it.
    url = folder.url(region, "aac_160.m4a")
    media = {"Origin": "http://127.0.0.1:8000", "Range": "bytes=0-"}

    first = fetch(url, headers=media)
    cached = fetch_cached(url, headers={**media, "Range": f"bytes={SLICE}-{SLICE + 99}"})

    assert (first.status, first.body) == (206, TRACK)
    assert (cached.status, cached.header("X-Cache-Status"), cached.body) == (206, "HIT", TRACK[SLICE : SLICE + 100])
    for reply in (first, cached):
        assert reply.headers.get_all("Access-Control-Allow-Origin") == ["*"]
        assert reply.header("Access-Control-Expose-Headers") == "Content-Length, Content-Range"
        assert reply.header("Access-Control-Allow-Credentials") is None  # the element sends no cookies
