"""Writes on playlists and the library, split by what they change."""

from django.core.exceptions import ValidationError

# The largest id a row can have (a signed 64-bit integer): anything bigger names nothing.
MAX_ID = 2**63 - 1


class StaleSnapshotError(ValidationError):
    """The client edited another version of the playlist than the one stored."""

    def __init__(self, current: str) -> None:
        super().__init__(
            "The playlist has changed since you loaded it; reload it and try again.", code="stale_snapshot"
        )
        self.current = current
