"""The API's methods, grouped by what they are about; each module registers its own."""

from subsonic.methods import browse, library, media, queue, system

__all__ = ["browse", "library", "media", "queue", "system"]
