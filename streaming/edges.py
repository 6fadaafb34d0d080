"""Which edge serves a listener: the one for their region, by country.

The country comes from the CDN's viewer-country header when there is one (it
knows where the listener is right now), else from the listener's profile.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from streaming.cloudfront import cloudfront_signed_url
from streaming.signing import SignedUrl, signed_url

# Regions by the countries they serve; a country in none of them gets the default edge.
_AMERICAS = """
AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GT GY HN HT JM KN KY LC MF MQ
MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI
"""
_EUROPE_AFRICA_MIDDLE_EAST = """
AD AE AL AM AO AT AX AZ BA BE BF BG BH BI BJ BW BY CD CF CG CH CI CM CV CY CZ DE DJ DK DZ EE EG EH ER ES ET
FI FO FR GA GB GE GG GH GI GM GN GQ GR GW HR HU IE IL IM IQ IR IS IT JE JO KE KM KW LB LI LR LS LT LU LV LY
MA MC MD ME MG MK ML MR MT MU MW MZ NA NE NG NL NO OM PL PS PT QA RE RO RS RU RW SA SC SD SE SI SJ SK SL SM
SN SO SS ST SY SZ TD TG TN TR TZ UA UG VA YE YT ZA ZM ZW
"""
REGION_OF_COUNTRY: dict[str, str] = {
    **dict.fromkeys(_AMERICAS.split(), "us"),
    **dict.fromkeys(_EUROPE_AFRICA_MIDDLE_EAST.split(), "eu"),
}
# Headers a CDN sets with the viewer's country (CloudFront, Cloudflare, ours).
COUNTRY_HEADERS = ("HTTP_CLOUDFRONT_VIEWER_COUNTRY", "HTTP_CF_IPCOUNTRY", "HTTP_X_VIEWER_COUNTRY")


def viewer_country(request: HttpRequest, *, profile_country: str = "") -> str:
    for header in COUNTRY_HEADERS:
        value = request.META.get(header, "").strip().upper()
        if len(value) == 2 and value.isalpha():
            return value
    return profile_country.upper()


def edge_for(country: str) -> tuple[str, str]:
    """(region, base URL) of the edge nearest ``country``; ("local", "") when Django serves media itself."""
    edges = settings.EDGE_URLS
    if not edges:
        return "local", ""
    region = REGION_OF_COUNTRY.get(country, settings.EDGE_DEFAULT_REGION)
    if region not in edges:
        region = settings.EDGE_DEFAULT_REGION if settings.EDGE_DEFAULT_REGION in edges else next(iter(edges))
    return region, edges[region]


def local_edge_base(request: HttpRequest) -> str:
    """The base URL of the embedded edge (``/edge``), on the host the request came to."""
    return request.build_absolute_uri("/edge")


def folder_signer(
    *, folder: str, cap: int, duration_ms: int, country: str, local_base: str
) -> tuple[Callable[[str], SignedUrl], str]:
    """A signer of the files of one folder at the edge nearest ``country``, and that edge's region.

    Its URLs last ``STREAM_URL_TTL`` beyond the audio's length; ``cap`` is the bitrate
    our edges let through (CloudFront's policy names the folder only).
    """
    region, base = edge_for(country)
    ttl = settings.STREAM_URL_TTL + duration_ms // 1000
    if settings.STREAM_SIGNING == "cloudfront":
        sign = functools.partial(
            cloudfront_signed_url,
            base=base,
            scope=folder,
            ttl=ttl,
            key_pair_id=settings.CLOUDFRONT_KEY_PAIR_ID,
            private_key_pem=settings.CLOUDFRONT_PRIVATE_KEY,
        )
    else:
        sign = functools.partial(
            signed_url, base=base or local_base, scope=folder, cap=cap, ttl=ttl, key=settings.EDGE_SIGNING_KEY
        )
    return lambda file: sign(file=file), region
