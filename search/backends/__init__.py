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
    # How many of the typed words each hit matched (all of them, unless none matched them all).
    words_matched: list[int] = field(default_factory=list)
    # The hits found by a phrase of their lyrics (tracks only).
    by_lyrics: list[int] = field(default_factory=list)


# A query of this many distinct words or fewer that no entry matches whole finds what matches most of its words.
PARTIAL_MAX_WORDS = 6


def partial_levels(words: int) -> range:
    """When no entry matched all ``words`` typed words: how many of them to ask for next, the most first."""
    return range(words - 1, 0, -1) if 2 <= words <= PARTIAL_MAX_WORDS else range(0)


def hits_partial(levels: list[tuple[int, Hits]], *, offset: int, limit: int) -> Hits:
    """One page of the hits that match the most words first, then by rank, from one list per level.

    Each level holds the best hits (from the first, as far as the page) of those matching at least that many
    words, the most words first; a hit already shown above is left out below.
    """
    ranked: dict[int, tuple[float, int]] = {}
    for matched, hits in levels:
        for pk, score in zip(hits.ids, hits.scores, strict=True):
            ranked.setdefault(pk, (score, matched))
    page = list(ranked.items())[offset : offset + limit]
    return Hits(
        ids=[pk for pk, _ in page],
        total=max((hits.total for _, hits in levels), default=0),
        scores=[score for _, (score, _) in page],
        words_matched=[matched for _, (_, matched) in page],
    )


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
