"""What the library announces, for the apps above it to act on (``core.events``).

- ``TasteChanged``: a listener liked or unliked tracks, or followed or
  unfollowed artists. The recommendations drop the listener's cached lists.
  The library writes in bulk (``bulk_create`` and queryset deletes), which send
  no model signals, so this is how the apps above hear of it.
"""

from dataclasses import dataclass

from core.events import Event


@dataclass(frozen=True)
class TasteChanged(Event):
    """What ``user_id`` likes or follows changed."""

    user_id: int
