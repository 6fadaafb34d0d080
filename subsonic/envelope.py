"""The ``subsonic-response`` envelope, rendered to XML, JSON or JSONP from one body.

A body is a dict: a scalar value is an attribute (in JSON, a field), a dict is
a child element, a list of dicts is that element repeated (in JSON, an array),
and the key ``value`` is an element's text (OpenSubsonic's JSON names it so).
A :class:`Text` is a child element holding only text (``<biography>…</biography>``),
a plain field in JSON.
"""

import json
import re
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

API_VERSION = "1.16.1"
SERVER_TYPE = "spotifyclone"
SERVER_VERSION = "1.0"
XML_NAMESPACE = "http://subsonic.org/restapi"

# A JSONP callback is a JavaScript name, dotted at most: nothing that could run as code.
CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")

Body = dict[str, Any]


class Text(str):
    """A value the documentation gives as an element of its own, not as an attribute."""

    __slots__ = ()


def text_of(value: str | None) -> Text | None:
    return None if value is None else Text(value)


class SubsonicError(Exception):
    """A refusal with one of the spec's codes, answered with HTTP 200 as the spec requires."""

    MISSING_PARAMETER = 10
    CLIENT_MUST_UPGRADE = 20
    SERVER_MUST_UPGRADE = 30
    WRONG_CREDENTIALS = 40
    TOKEN_NOT_SUPPORTED = 41
    MECHANISM_NOT_SUPPORTED = 42
    CONFLICTING_MECHANISMS = 43
    INVALID_API_KEY = 44
    NOT_AUTHORIZED = 50
    NOT_FOUND = 70
    GENERIC = 0

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def envelope(body: Body | None = None, *, failed: bool = False) -> Body:
    return {
        "status": "failed" if failed else "ok",
        "version": API_VERSION,
        "type": SERVER_TYPE,
        "serverVersion": SERVER_VERSION,
        "openSubsonic": True,
        **(body or {}),
    }


def error_body(error: SubsonicError) -> Body:
    return envelope({"error": {"code": error.code, "message": error.message}}, failed=True)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ElementTree.Element, name: str, body: Body) -> None:
    element = ElementTree.SubElement(parent, name)
    _fill(element, body)


def _fill(element: ElementTree.Element, body: Body) -> None:
    for key, value in body.items():
        if value is None:
            continue
        if key == "value":
            element.text = _text(value)
        elif isinstance(value, Text):
            ElementTree.SubElement(element, key).text = value
        elif isinstance(value, dict):
            _element(element, key, value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _element(element, key, item)
                else:
                    ElementTree.SubElement(element, key).text = _text(item)
        else:
            element.set(key, _text(value))


def render_xml(body: Body) -> bytes:
    root = ElementTree.Element("subsonic-response", {"xmlns": XML_NAMESPACE})
    _fill(root, body)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _pruned(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


def render_json(body: Body) -> str:
    return json.dumps({"subsonic-response": _pruned(body)}, ensure_ascii=False, separators=(",", ":"))


def response_format(params: Any) -> tuple[str, str]:
    """The format asked for (``xml``, ``json`` or ``jsonp``) and the JSONP callback; XML for anything unknown."""
    fmt = params.get("f") or "xml"
    callback = params.get("callback") or ""
    if fmt == "jsonp" and not CALLBACK.match(callback):
        return "json", ""  # an unusable callback: the error is answered as plain JSON
    return (fmt if fmt in {"json", "jsonp"} else "xml"), callback


def render(body: Body, *, fmt: str, callback: str = "") -> HttpResponse:
    if fmt == "json":
        return HttpResponse(render_json(body), content_type="application/json; charset=utf-8")
    if fmt == "jsonp":
        return HttpResponse(f"{callback}({render_json(body)});", content_type="application/javascript; charset=utf-8")
    return HttpResponse(render_xml(body), content_type="application/xml; charset=utf-8")
