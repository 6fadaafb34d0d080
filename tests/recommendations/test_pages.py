"""Where listeners see the recommendations: the home page's shelves, mix pages, "Fans also like", the demo's plays."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Album, Artist, Genre, Track
from core.demo import demo_seeders
from playlists.models import FollowedArtist
from recommendations.demo import seed_demo_plays
from recommendations.models import Neighbour
from recommendations.services import neighbours_compute
from recommendations.tasks import recommendations_compute
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.recommendations.conftest import play

pytestmark = pytest.mark.django_db


def _artist(name: str, *, genre: Genre | None = None, tracks: int = 3, plays: int = 0) -> Artist:
    artist = ArtistFactory(name=name, slug=slugify(name))
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


def _home(client: Any) -> str:
    """The home page with its shelves: fetched after it (by htmx) the first time, then in it."""
    page = client.get("/").content.decode()
    if 'hx-get="/made-for-you/shelves/"' in page:
        assert client.get("/made-for-you/shelves/").status_code == 200
        page = client.get("/").content.decode()
    return page


def _track_ids(html: str) -> list[str]:
    return re.findall(r'data-track-id="(\d+)"', html)


def test_a_listener_who_plays_sees_their_mixes_and_a_mix_page_plays(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    fan = circle["fans"][0]
    client.force_login(fan)

    cold = client.get("/").content.decode()
    page = _home(client)

    # Nothing was made for them yet: the page fetches its shelves after, and has them inline since.
    assert 'hx-get="/made-for-you/shelves/"' in cold
    assert "Made for you" not in cold
    assert 'hx-get="/made-for-you/shelves/"' not in page
    made = _section(page, "made-for-you")
    assert 'href="/made-for-you/1/"' in made
    assert "Star" in made
    assert "Because you listened to Ally Three 2" in page  # the last track they played
    ids = _track_ids(page)
    assert len(ids) == len(set(ids))  # no shelf repeats a track another one shows
    mix = client.get("/made-for-you/1/").content.decode()
    assert "<h1>Mix 1</h1>" in mix
    assert 'data-action="play-all" data-target="#mix-tracks"' in mix
    playing = Track.objects.filter(pk__in=_track_ids(_section_by_id(mix, "mix-tracks")))
    assert {track.artist.name for track in playing} == {"Star", "Ally One", "Ally Two", "Ally Three"}


def _section_by_id(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</ol>", start)]


def test_more_like_shelves_show_whom_the_artists_listeners_also_play(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    listener = UserFactory()
    FollowedArtist.objects.create(user=listener, artist=circle["star"])
    client.force_login(listener)
    more = _section(_home(client), "more-like-1")
    assert "More like Star" in more
    assert all(f">{ally.name}<" in more for ally in circle["allies"])


def test_a_new_listener_gets_the_most_played_and_no_empty_shelf(client: Any, db: None) -> None:
    _artist("Quiet", tracks=6)
    _artist("Loud", tracks=6, plays=50)
    client.force_login(UserFactory())

    response = client.get("/made-for-you/shelves/")
    page = _home(client)

    assert response.status_code == 200
    for heading in ("Made for you", "Because you listened", "More like", "Recently played"):
        assert heading not in page
    recommended = Track.objects.filter(pk__in=_track_ids(_section(page, "recommended")))
    assert len(recommended) == 5
    # The five most played are "Popular right now" just below; the next five are recommended.
    assert {track.title for track in recommended} == {"Loud 5", "Quiet 0", "Quiet 1", "Quiet 2", "Quiet 3"}


def test_shelves_and_mixes_never_show_what_the_listener_may_not_play(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    fan = circle["fans"][0]
    client.force_login(fan)
    _home(client)  # the lists are cached now, with every track in them
    hidden = {
        Track.objects.get(title="Ally One 1"),  # its album is taken down
        Track.objects.get(title="Ally Two 1"),  # it is being processed again
        Track.objects.get(title="Ally Three 1"),  # explicit, and this listener turned explicit off
    }
    assert all(f">{track.title}" in client.get("/made-for-you/1/").content.decode() for track in hidden)
    Album.objects.filter(artist__name="Ally One").update(status=Album.Status.DRAFT)
    Track.objects.filter(title="Ally Two 1").update(status=Track.Status.PROCESSING)
    Track.objects.filter(title="Ally Three 1").update(explicit=True)
    fan.profile.explicit_content = False
    fan.profile.save(update_fields=["explicit_content"])

    home = _home(client)
    # The shelves: what the listener played, above them, and the charts below are no recommendations.
    shelves = home[home.index('id="made-for-you"') : home.index('id="popular"')]
    for page in (
        shelves,
        client.get("/made-for-you/").content.decode(),
        client.get("/made-for-you/1/").content.decode(),
    ):
        assert not any(f">{track.title}" in page for track in hidden)
    assert ">Ally Two 0<" in client.get("/made-for-you/1/").content.decode()


def test_a_mix_page_is_for_a_signed_in_listener_who_has_that_mix(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    response = client.get("/made-for-you/1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(circle["fans"][0])
    assert client.get("/made-for-you/1/").status_code == 200
    assert client.get("/made-for-you/7/").status_code == 404
    client.force_login(UserFactory())  # nothing played: no mix
    assert client.get("/made-for-you/1/").status_code == 404
    assert client.get("/made-for-you/").status_code == 200


def test_the_made_for_you_page_lists_every_mix_and_the_whole_list(client: Any, circle: dict[str, Any]) -> None:
    neighbours_compute()
    client.force_login(circle["fans"][0])
    page = client.get("/made-for-you/").content.decode()
    assert 'href="/made-for-you/1/"' in page
    assert len(_track_ids(_section(page, "recommended"))) == Track.objects.count()  # 15 tracks: all of them


def test_the_home_page_reads_its_shelves_in_a_fixed_number_of_queries(
    client: Any, circle: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    neighbours_compute()
    fan = circle["fans"][0]
    for artist in (circle["star"], circle["twin"]):
        FollowedArtist.objects.create(user=fan, artist=artist)
    client.force_login(fan)
    _home(client)  # warms the caches: the lists, and what every listener shares
    # The listener, their plays, playlists, the tracks of every shelf at once, the mixes' artists,
    # their follows and three for each "More like" shelf: none per track or per card.
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    assert "Made for you" in page
    assert "Because you listened to" in page
    assert "More like Twin" in page


def test_the_demo_plays_are_added_once_and_give_the_demo_listener_mixes(client: Any, db: None) -> None:
    assert seed_demo_plays in demo_seeders()  # seed_demo runs it after the catalog
    for name in ("Aurora Fields", "The Beatels", "Beyoncé Tribute Orchestra", "Metallic Dawn", "Kofi & the Night Bus"):
        _artist(name, tracks=2)  # the demo's artists, with less music
    listener = UserFactory(username="listener")
    lines: list[str] = []

    seed_demo_plays(lines.append)
    added = Play.objects.count()
    seed_demo_plays(lines.append)

    plays = Play.objects.filter(counted=True)
    assert plays.count() == Play.objects.count() == added > 500
    assert lines[0].startswith(f"recommendations: {added} demo plays added for 25 listeners")
    assert lines[1].startswith("recommendations: 0 demo plays added")
    assert sum(Track.objects.values_list("play_count", flat=True)) == added  # each play counted once
    assert plays.filter(user=listener).count() > 50
    assert Neighbour.objects.filter(kind=Neighbour.Kind.ARTIST).exists()
    assert FollowedArtist.objects.filter(user=listener, artist__name="Aurora Fields").count() == 1
    client.force_login(listener)
    page = _home(client)
    assert 'href="/made-for-you/1/"' in page
    assert "Because you listened to" in page
    assert "More like Aurora Fields" in page


def test_the_periodic_task_makes_the_mixes_of_active_listeners_so_their_home_page_has_its_shelves(
    client: Any, circle: dict[str, Any]
) -> None:
    fan = circle["fans"][0]
    play(fan, Track.objects.get(title="Star 0"), timezone.now() - timedelta(minutes=5))
    recommendations_compute()
    client.force_login(fan)
    page = client.get("/").content.decode()
    assert 'hx-get="/made-for-you/shelves/"' not in page  # nothing left to make: the shelves are in the page
    assert 'href="/made-for-you/1/"' in page
