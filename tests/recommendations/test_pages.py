"""Where listeners see the recommendations: the home page's shelves, mix pages, "Fans also like", the demo's plays."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from catalog.models import Album, Artist, Genre, Track
from recommendations.services import neighbours_compute
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.recommendations.conftest import play

pytestmark = pytest.mark.django_db


def _artist(name: str, *, genre: Genre | None = None, tracks: int = 3, plays: int = 0) -> Artist:
    artist = ArtistFactory(name=name, slug=name.lower().replace(" ", "-"))
    album = AlbumFactory(artist=artist, title=f"{name} LP", status=Album.Status.PUBLISHED, published_at=timezone.now())
    if genre is not None:
        album.genres.add(genre)
    for n in range(tracks):
        TrackFactory(album=album, title=f"{name} {n}", track_number=n + 1, play_count=plays)
    return artist


def _sessions(user: Any, artists: list[Artist], *, days_ago: int = 1) -> None:
    """One sitting of the listener's: every track of ``artists`` in turn, four minutes apart."""
    start = timezone.now() - timedelta(days=days_ago)
    tracks = Track.objects.filter(artist__in=artists).order_by("artist_id", "track_number")
    for place, track in enumerate(tracks):
        play(user, track, start + timedelta(minutes=4 * place))


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def circle(db: None) -> dict[str, Any]:
    """Four listeners play Star with three allies; two others play only Twin, who shares Star's genre."""
    rock = Genre.objects.create(name="Rock", slug="rock")
    star = _artist("Star", genre=rock)
    allies = [_artist(f"Ally {n}") for n in ("One", "Two", "Three")]
    twin = _artist("Twin", genre=rock)
    fans = UserFactory.create_batch(4)
    for user in fans:
        _sessions(user, [star, *allies])
    for user in UserFactory.create_batch(2):
        _sessions(user, [twin])
    return {"star": star, "allies": allies, "twin": twin, "fans": fans, "rock": rock}


def test_fans_also_like_lists_the_artists_played_by_the_same_listeners(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    page = client.get("/artists/star/").content.decode()
    fans_like = _section(page, "related-artists")
    assert "Fans also like" in fans_like
    assert all(f">{ally.name}<" in fans_like for ally in circle["allies"])
    assert ">Twin<" not in fans_like  # the genre list is the fallback only


def test_fans_also_like_falls_back_to_shared_genres_without_enough_listening(
    client: Any, circle: dict[str, Any]
) -> None:
    Album.objects.filter(artist__in=circle["allies"][1:]).update(status=Album.Status.DRAFT)
    neighbours_compute()  # one neighbour with published music is left: not enough
    fans_like = _section(client.get("/artists/star/").content.decode(), "related-artists")
    assert "Fans also like" in fans_like
    assert ">Twin<" in fans_like
    assert ">Ally One<" not in fans_like
