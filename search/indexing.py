"""Keeping the search index in step with the catalog and playlists.

Services call :func:`index_later` whenever something that can be searched is
made, changed, becomes visible or invisible, or is deleted. After the
transaction commits, a task re-reads the row and either writes its document or
removes it, so the caller never has to know which.
"""

from django.db import transaction

DOCUMENT_KINDS = ("track", "artist", "album", "playlist")


def index_later(kind: str, *pks: int) -> None:
    """Bring the search documents of these rows up to date once this transaction commits."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown search document kind {kind!r}")
    if not pks:
        return
    from search import tasks

    ids = sorted(set(pks))
    transaction.on_commit(lambda: tasks.search_documents_sync.delay(kind, ids))
