"""What a page shares with visitors: the link preview card (Open Graph, Twitter) and the length of previews."""

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def preview_seconds() -> int:
    """How long a visitor's preview is, in whole seconds."""
    return round(settings.PREVIEW_SECONDS)


@register.inclusion_tag("streaming/_share_meta.html", takes_context=True)
def share_meta(
    context: dict[str, Any], *, title: str, kind: str, description: str = "", image: str = "", url: str = ""
) -> dict[str, Any]:
    """The meta tags that make a pasted link a card: URLs absolute, ``kind`` an og:type."""
    request: HttpRequest | None = context.get("request")

    def absolute(location: str) -> str:
        return request.build_absolute_uri(location) if request is not None and location else location

    return {
        "title": title,
        "kind": kind,
        "description": description,
        "image": absolute(image),
        "url": absolute(url or (request.path if request is not None else "")),
    }
