"""Search backends behind one interface.

``search_backend()`` answers with the configured backend. Both search the
entries that :mod:`search.indexing` keeps: the database backend reads the
``SearchEntry`` rows themselves, the OpenSearch backend an index built from
them, and it answers from the database whenever the cluster does not.
Backends answer with ids and totals only; :mod:`search.selectors` loads the
rows, filtered again by what the caller may see.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from search.documents import Document

KINDS = ("track", "artist", "album", "playlist")

# By kind, the ids of the documents that are not public but that the viewer may find all the same
# (search.kinds): a queryset of ids, which the database backend reads within its own query, or plain ids.
PrivateIds = Mapping[str, Iterable[int]]


@dataclass(frozen=True)
class Query:
    """What to look for. Found are the public documents, the viewer's own, and those named in ``private``."""

    text: str
    kinds: tuple[str, ...] = KINDS
    viewer_id: int | None = None
    genre: str = ""
    limit: int = 20
    offset: int = 0
    private: PrivateIds = field(default_factory=dict)


@dataclass
class Hits:
    ids: list[int] = field(default_factory=list)
    total: int = 0
    scores: list[float] = field(default_factory=list)


class SearchBackend(Protocol):
    name: str

    def search(self, query: Query) -> dict[str, Hits]:
        """The matching ids of each kind asked for, best first, one page of them, with the total."""

    def suggest(
        self, text: str, *, viewer_id: int | None, limit: int, private: PrivateIds | None = None
    ) -> list[tuple[str, int]]:
        """The best few (kind, id) pairs of any kind for a half-typed query."""

    def push(self, kind: str, documents: "list[Document]", removed: list[int]) -> None:
        """Copy changed entries to where this backend searches (nothing to do for the database)."""


def search_backend() -> SearchBackend:
    return _backend(settings.SEARCH_BACKEND, settings.OPENSEARCH_URL)


def search_backends_forget() -> None:
    """Start afresh, as a new process would (for tests)."""
    _backend.cache_clear()


@lru_cache(maxsize=4)
def _backend(name: str, url: str) -> SearchBackend:
    """One per configuration, so that it keeps what it learns (a cluster that is down) between queries."""
    from search.backends.database import DatabaseBackend

    if name == "opensearch":
        from search.backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(fallback=DatabaseBackend())
    return DatabaseBackend()
