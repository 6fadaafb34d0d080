"""Making what search needs exist at deploy, from the database, and nothing more.

``manage.py search_bootstrap`` runs after ``migrate``: the site never waits
for a first index update to have an index. It fills the entries when they
do not account for every searchable row (a database loaded with no worker
running, or restored), and, with OpenSearch, builds the index behind the
alias when the alias is missing, or its index is empty while entries are not,
or was made from another mapping than this code's (a new index is filled and
the alias swapped, so queries never go without one).
What already exists is left alone, so running it again changes nothing; a
full rebuild is ``manage.py search_reindex``.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

from search.client import alias_name, opensearch_client
from search.documents import documents_count, kinds_available
from search.models import SearchEntry

logger = logging.getLogger(__name__)


@dataclass
class BootstrapReport:
    entries_written: int = 0  # entries written or changed (0: they accounted for every row)
    index_built: bool = False
    index_documents: int = 0  # documents in the index behind the alias, when there is one


def entries_missing() -> list[str]:
    """The kinds whose visible entries do not number their searchable rows."""
    return [
        kind
        for kind in kinds_available()
        if SearchEntry.objects.filter(kind=kind, visible=True).count() != documents_count(kind)
    ]


def index_mapping_versions() -> set[object]:
    """The mapping versions of the indices behind the alias (``None`` for one made before versions were kept)."""
    mappings = opensearch_client().indices.get_mapping(index=alias_name())
    return {mapping["mappings"].get("_meta", {}).get("version") for mapping in mappings.values()}


def index_bootstrap() -> bool:
    """Build the index from the entries if the alias is missing, or its index is empty while entries are not.

    Also when the index was made from another mapping than this code's (``MAPPING_VERSION``): the
    rebuild fills a new index while queries read the old one, then swaps the alias, as `search_reindex` does.
    """
    from search.backends.opensearch import MAPPING_VERSION
    from search.rebuild import RebuildReport, index_rebuild

    client = opensearch_client()
    alias = alias_name()
    if client.indices.exists_alias(name=alias):
        client.indices.refresh(index=alias)
        if index_mapping_versions() != {MAPPING_VERSION}:
            logger.info("search: the index behind %s has another mapping; rebuilding it", alias)
        elif client.count(index=alias)["count"] or not SearchEntry.objects.filter(visible=True).exists():
            return False
    index_rebuild(report=RebuildReport())
    return True


def search_bootstrap() -> BootstrapReport:
    """Fill the entries and build the index where they are missing; leave alone what exists.

    Raises when OpenSearch does not answer, after the entries are done: search
    then answers from them, and the catch-up builds the index once it answers.
    """
    from search.indexing import search_changed
    from search.rebuild import entries_rebuild

    report = BootstrapReport()
    if missing := entries_missing():
        logger.info("search: entries do not account for every %s; writing them", ", ".join(missing))
        _read, changed, hidden = entries_rebuild()
        report.entries_written = changed + hidden
    if settings.SEARCH_BACKEND == "opensearch":
        report.index_built = index_bootstrap()
        report.index_documents = opensearch_client().count(index=alias_name())["count"]
    if report.entries_written or report.index_built:
        search_changed()
    return report
