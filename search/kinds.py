"""The kinds of search document, and what search asks of each: a registry the apps fill at start.

Search knows how to find documents. What rows a kind has, how a row becomes a
document and which rows a viewer may see belong to the app that owns the
rows, and that app says so here, once, when Django starts:

- the catalog's kinds (``track``, ``album``, ``artist``) are registered by
  search itself (:func:`search.documents.catalog_kinds_register`): search
  sits above the catalog and may read it;
- ``playlist`` is registered by the playlists app in its
  ``AppConfig.ready``, with the visibility rule of ``playlists/access.py``:
  playlists sit above search, so search never imports them.

A kind's name must be one of :data:`search.backends.KINDS`, the kinds the
entries may hold.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from search.backends import KINDS

if TYPE_CHECKING:
    from accounts.models import User
    from search.documents import Document


def _nothing_related(ids: list[int]) -> dict[str, list[int]]:
    return {}


@dataclass(frozen=True)
class DocumentKind:
    name: str
    # Every row that may be found, by anyone who may see it.
    rows: Callable[[], QuerySet[Any]]
    # The documents of the rows among these ids that exist and may be found (a few queries, whatever their number).
    documents: Callable[[list[int]], "list[Document]"]
    # (pk, popularity) pairs of the given rows, in one query.
    popularity: Callable[[QuerySet[Any]], QuerySet[Any]]
    # The rows ``viewer`` may open, tuned to be shown as results: every result is loaded through it,
    # so an index that is behind never shows what the viewer may not see.
    visible_to: Callable[["User"], QuerySet[Any]]
    # (subtitle, url) of a row shown as a suggestion under the search box.
    suggestion: Callable[[Any], tuple[str, str]]
    # The rows that are not public but that a signed-in ``viewer`` may find all the same
    # (for a playlist: their own, and those they collaborate on); None when every document is public.
    private_to: Callable[["User"], QuerySet[Any]] | None = None
    # The rows of other kinds whose documents quote these rows, by kind.
    related: Callable[[list[int]], dict[str, list[int]]] = _nothing_related


_registry: dict[str, DocumentKind] = {}


def kind_register(kind: DocumentKind) -> None:
    """Make ``kind`` searchable; registering it again replaces it (a reloaded app)."""
    if kind.name not in KINDS:
        raise ValueError(f"search entries hold no {kind.name!r} documents; the kinds are {', '.join(KINDS)}")
    _registry[kind.name] = kind


def kind_get(name: str) -> DocumentKind:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no search document kind {name!r} is registered (is its app installed?)") from None


def kinds_registered() -> list[str]:
    """The names of the registered kinds, in the order of :data:`search.backends.KINDS`."""
    return [name for name in KINDS if name in _registry]
