"""What search does when the catalog announces something (``catalog/events.py``).

Subscribed in ``SearchConfig.ready``. Rows saved or deleted one by one reach
search through its model signals (``search/signals.py``); the catalog's bulk
writes send none, and announce ``CatalogRowsChanged`` instead. The handler
runs inside the catalog's transaction and queues the entries' update through
the outbox, sent after commit (the delivery rule of ``core/events.py``).
"""

from catalog.events import CatalogRowsChanged
from core.events import subscribe
from search.indexing import index_later


def index_changed_rows(event: CatalogRowsChanged) -> None:
    index_later(event.kind, *event.ids)


def subscribe_all() -> None:
    subscribe(CatalogRowsChanged, index_changed_rows)
