"""What track rows need to know about the listener, read once per request."""

from functools import cached_property
from typing import Any

from django import template

from catalog.artwork import artwork_url
from playlists import selectors

register = template.Library()


class LibraryState:
    """Read lazily: a page that shows no track row never asks for the liked ids."""

    def __init__(self, user: Any = None) -> None:
        self.user = user

    @cached_property
    def liked_ids(self) -> set[int]:
        return selectors.liked_track_ids(user=self.user) if self.user is not None else set()

    @cached_property
    def saved_album_ids(self) -> set[int]:
        return selectors.saved_album_ids(user=self.user) if self.user is not None else set()

    @cached_property
    def followed_artist_ids(self) -> set[int]:
        return selectors.followed_artist_ids(user=self.user) if self.user is not None else set()

    @cached_property
    def menu(self) -> list[dict[str, Any]]:
        return selectors.playlist_menu(user=self.user) if self.user is not None else []


@register.simple_tag(takes_context=True)
def library_state(context: template.Context) -> LibraryState:
    """The listener's liked-track ids and playlists, from the cache, once per request however many rows ask."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return LibraryState()
    state = getattr(request, "_playlists_library_state", None)
    if state is None:
        state = LibraryState(request.user)
        request._playlists_library_state = state
    return state


@register.filter
def playlist_image(playlist: Any, size: int = 300) -> str:
    """The URL of the playlist's cover, else its mosaic, at one size; "" when it has neither."""
    return artwork_url(playlist.artwork_name, int(size))
