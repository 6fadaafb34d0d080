"""The regexes of the edge's signed-URL check (deploy/nginx/edge.conf) against streaming.signing.verify.

nginx compares no numbers, so the edge finds a bitrate above the cap by comparing digits, with
two regexes. Python's re reads them as PCRE does (lookaheads, backreferences, conditional
groups), so they are held here to verify's own answers over every cap, with no nginx running.
The edge itself, in nginx, is tested by test_edge.py (services mode).
"""

import re
from pathlib import Path

import pytest

from streaming.signing import SigningError, signature, verify

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "edge.conf"
SCOPE = "renditions/42/0a1b2c3d/"
EXPIRES = 4_102_444_800  # 2100: the tests need no clock


def _conditions(variable: str) -> list[re.Pattern[str]]:
    """The regexes edge.conf's `if` blocks match $variable against, in order, as PCRE reads them."""
    found = re.findall(rf'if \(\${variable} ~ "(.*)"\) {{', CONF.read_text())
    # nginx turns \n inside quotes into a newline; PCRE's \z is Python's \Z.
    return [re.compile(regex.replace(r"\n", "\n").replace(r"\z", r"\Z")) for regex in found]


def _refused(cap: int, rest: str) -> str | None:
    """verify's reason for refusing {rest} in SCOPE on a token for ``cap``, or None."""
    token = signature(scope=SCOPE, expires=EXPIRES, cap=cap, key="k")
    try:
        verify(token_path=f"s/{EXPIRES}/{cap}/{token}/{SCOPE}{rest}", key="k", now=0)
    except SigningError as error:
        return str(error)
    return None


def _bitrate_paths(cap: int) -> list[str]:
    near = {0, 1, 9, 10, cap - 1, cap, cap + 1, cap // 10, cap * 10, cap * 10 + 9, 9999, 10_000}
    paths = []
    for kbps in sorted(k for k in near if k >= 0):
        for zeros in ("", "00"):
            paths += [
                f"aac_{zeros}{kbps}.m4a",
                f"hls/aac_{zeros}{kbps}/seg_00001.m4s",
                f"hls/master_{zeros}{kbps}.m3u8",
            ]
    # Two bitrates in one path, the higher one last.
    return [*paths, f"hls/aac_{max(cap - 1, 0)}/master_{cap + 1}.m3u8", f"hls/xmaster_0{cap}/aac.txt"]


def test_edge_conf_has_the_bitrate_and_path_regexes():
    assert len(_conditions("edge_cap_rest")) == 2
    assert len(_conditions("edge_rest")) == 1


# Every cap of up to three digits, and a spread of four-digit ones with the edges of each length.
CAPS = sorted({*range(0, 1010), *range(1000, 10_000, 97), 1999, 2000, 2001, 9998, 9999})


def test_the_bitrate_regexes_refuse_what_verify_refuses():
    regexes = _conditions("edge_cap_rest")
    mismatches = []
    for cap in CAPS:
        for rest in _bitrate_paths(cap):
            edge = any(regex.search(f"{cap}|{rest}") for regex in regexes)
            python = _refused(cap, rest) == "The URL does not cover this bitrate."
            if edge != python:
                mismatches.append((cap, rest, edge))
    assert mismatches == []


@pytest.mark.parametrize(
    "rest",
    [
        "aac_160.m4a",
        "",
        "/aac_160.m4a",
        "hls/../aac_160.m4a",
        "..",
        "../x",
        "hls/..",
        "a..b/c",
        "..a/b",
        "hls//x",
        "./x",
    ],
)
def test_the_path_regex_refuses_what_verify_refuses(rest):
    (regex,) = _conditions("edge_rest")

    assert bool(regex.search(rest)) == (_refused(160, rest) == "The URL names no file in its folder.")


def test_the_signature_is_compared_through_an_hmac_of_each_side():
    """nginx's `if` stops at the first differing byte: comparing HMACs of both sides keeps the time uninformative."""
    text = CONF.read_text()
    (left, right) = re.findall(r"if \(\$(\w+) != \$(\w+)\) \{\s*set \$edge_refused signature;", text)[0]
    hmacs = dict(re.findall(r"set_hmac_sha256 \$(\w+) \$edge_signing_key \"compare \$(\w+)\";", text))

    assert {hmacs.get(left), hmacs.get(right)} == {"edge_expected", "edge_given"}
    assert "set_encode_base64url $edge_expected $edge_mac;" in text
