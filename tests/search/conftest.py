from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from catalog.models import Album, Artist, Genre, Track
from search.client import opensearch_client
from search.rebuild import search_rebuild
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

BACKENDS = ["database", pytest.param("opensearch", marks=pytest.mark.services)]


def _drop_indices(prefix: str) -> None:
    opensearch_client().indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[str]:
    """Each test that takes it runs once against the database backend and once against OpenSearch."""
    settings.SEARCH_BACKEND = request.param
    yield request.param
    if request.param == "opensearch":
        _drop_indices(settings.SEARCH_INDEX_PREFIX)


@pytest.fixture
def reindex(backend: str) -> Callable[[], None]:
    """Build the entries (and the OpenSearch index) from what the database holds now."""
    return lambda: search_rebuild() and None


@pytest.fixture
def publish(db: None) -> Callable[..., Track]:
    """A ready track on a published album, made without audio: ``publish("Halo", artist="Beyoncé")``."""
    artists: dict[str, Artist] = {}

    def make(title: str, *, artist: str = "Someone", album: str = "", plays: int = 0, genre: str = "") -> Track:
        if artist not in artists:
            artists[artist] = ArtistFactory(name=artist)
        published = AlbumFactory(
            artist=artists[artist],
            title=album or f"{title} (single)",
            status=Album.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        if genre:
            published.genres.add(Genre.objects.get_or_create(name=genre.title(), slug=genre)[0])
        return TrackFactory(title=title, album=published, play_count=plays)

    return make
