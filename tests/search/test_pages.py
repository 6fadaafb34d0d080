"""The search page, and the browse pages: what they show, their queries, their cache."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from catalog.models import Album, Genre, Track
from catalog.services.albums import album_publish, album_unpublish
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory


def test_the_search_page_shows_grouped_results(
    backend: str, publish: Callable[..., Track], reindex: Callable[[], None], client: Any
) -> None:
    publish("Ghost Town", artist="Phantom Choir")
    reindex()
    page = client.get("/search/", {"q": "gost town"}).content.decode()
    assert "Ghost Town" in page
    assert 'data-track-id="' in page
    fragment = client.get("/search/", {"q": "phantom", "partial": "1"}).content.decode()
    assert "Phantom Choir" in fragment
    assert "<html" not in fragment
    assert "No results found for “zzzz”" in client.get("/search/", {"q": "zzzz"}).content.decode()


def _album(artist_name: str, title: str, tracks: int, *, owner: User | None = None, **fields: Any) -> Album:
    artist = ArtistFactory(name=artist_name, slug=artist_name.lower().replace(" ", "-"), owner=owner)
    album = AlbumFactory(
        artist=artist, title=title, status=Album.Status.PUBLISHED, published_at=timezone.now(), **fields
    )
    for n in range(tracks):
        TrackFactory(title=f"{title} {n}", album=album, track_number=n + 1, play_count=n)
    return album


def test_the_artist_page_lists_top_tracks_by_plays_and_albums_by_type(client: Any, db: None) -> None:
    album = _album("Night Owls", "Moonlight", 12)
    AlbumFactory(artist=album.artist, title="Single Thing", album_type=Album.Type.SINGLE, status=Album.Status.PUBLISHED)
    AlbumFactory(artist=album.artist, title="Secret Draft", status=Album.Status.DRAFT)
    page = client.get("/artists/night-owls/").content.decode()
    top = [f"Moonlight {n}" for n in range(11, 1, -1)]
    positions = [page.index(f">{title}<") for title in top]
    assert positions == sorted(positions)  # the most played first
    assert ">Moonlight 1<" not in page  # ten only
    assert "Albums" in page
    assert "Singles" in page
    assert "Single Thing" in page
    assert "Secret Draft" not in page


def test_browse_pages_run_the_same_queries_whatever_their_length(
    client: Any, db: None, django_assert_max_num_queries: Any
) -> None:
    rock = Genre.objects.create(name="Rock", slug="rock")
    for size in (3, 30):
        album = _album(f"Band {size}", f"Record {size}", size)
        album.genres.add(rock)
        pages = [
            "/",
            "/artists/band-3/",
            f"/albums/{album.pk}/",
            "/genres/",
            "/genres/rock/",
            "/new-releases/",
            "/charts/",
        ]
        for url in pages:
            cache.clear()
            # The artist page's nine: "Fans also like" asks the listening neighbours before the genres.
            with django_assert_max_num_queries(9):
                assert client.get(url).status_code == 200, url
    cache.clear()
    client.get("/charts/")
    with django_assert_max_num_queries(0):  # cached for everyone
        client.get("/charts/")


def test_a_draft_album_page_is_for_its_artist_only(client: Any, owner: User, stranger: User, db: None) -> None:
    album = _album("Quiet Ones", "Not Yet", 2, owner=owner)
    Album.objects.filter(pk=album.pk).update(status=Album.Status.DRAFT)
    client.force_login(stranger)
    assert client.get(f"/albums/{album.pk}/").status_code == 404
    client.force_login(owner)
    page = client.get(f"/albums/{album.pk}/")
    assert page.status_code == 200
    assert "Draft" in page.content.decode()


def test_publishing_and_unpublishing_show_on_the_next_request(
    client: Any, owner: User, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    artist = ArtistFactory(name="Late Bloomers", owner=owner)
    album = AlbumFactory(artist=artist, title="Fresh Cut", artwork="albums/x.png")
    TrackFactory(title="Fresh One", album=album)
    assert "Fresh Cut" not in client.get("/new-releases/").content.decode()  # now cached without it

    with django_capture_on_commit_callbacks(execute=True):
        album_publish(album=album, by=owner)
    assert "Fresh Cut" in client.get("/new-releases/").content.decode()
    assert "Fresh One" in client.get(f"/albums/{album.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        album_unpublish(album=Album.objects.get(pk=album.pk), by=owner)
    assert "Fresh Cut" not in client.get("/new-releases/").content.decode()
    assert client.get(f"/albums/{album.pk}/").status_code == 404


def test_unknown_slugs_are_404(client: Any, db: None) -> None:
    for url in ("/artists/nobody/", "/albums/999999/", "/genres/polka-fusion/"):
        assert client.get(url).status_code == 404


def test_home_shows_a_listeners_recent_plays_and_playlists(
    client: Any, db: None, stranger: User, django_assert_max_num_queries: Any
) -> None:
    from playlists.models import Playlist
    from streaming.models import Play

    album = _album("Home Band", "Home Record", 3)
    tracks = list(album.tracks.order_by("track_number"))
    from datetime import timedelta

    now = timezone.now()
    for minutes_ago, track in ((30, tracks[0]), (20, tracks[1]), (10, tracks[0])):
        Play.objects.create(user=stranger, track=track, counted=True, started_at=now - timedelta(minutes=minutes_ago))
    Playlist.objects.create(owner=stranger, name="Kitchen Radio")
    client.force_login(stranger)
    client.get("/")  # warms the caches shared by every listener
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    assert "Recently played" in page
    recent = page[page.index('id="recent"') : page.index('id="your-playlists"')]
    assert recent.count("data-track-id") == 2  # each track once, the latest first
    assert recent.index("Home Record 0") < recent.index("Home Record 1")
    assert "Kitchen Radio" in page


def test_a_genre_page_lists_the_tracks_of_its_albums(client: Any, db: None) -> None:
    album = _album("Slow Waves", "Drift", 3)
    album.genres.add(Genre.objects.create(name="Ambient", slug="ambient"))
    page = client.get("/genres/ambient/").content.decode()
    assert page.count("data-track-id") == 3
    assert "Nothing here yet" not in page


def test_an_artist_page_shows_where_they_feature_and_related_artists(client: Any, db: None) -> None:
    rock = Genre.objects.create(name="Rock", slug="rock")
    pop = Genre.objects.create(name="Pop", slug="pop")
    jazz = Genre.objects.create(name="Jazz", slug="jazz")
    star = _album("Star", "Shine", 2)
    star.genres.add(rock, pop)
    twin = _album("Twin", "Mirror", 1)
    twin.genres.add(rock, pop)
    cousin = _album("Cousin", "Kin", 1)
    cousin.genres.add(rock)
    _album("Stranger", "Elsewhere", 1).genres.add(jazz)
    hidden = _album("Hidden", "Not Yet", 1)
    hidden.genres.add(rock, pop)
    Album.objects.filter(pk=hidden.pk).update(status=Album.Status.DRAFT)
    # Star features on one of Twin's tracks and on one of an unpublished album.
    twin.tracks.first().featured_artists.add(star.artist)
    hidden.tracks.first().featured_artists.add(star.artist)

    page = client.get("/artists/star/").content.decode()
    appears = page[page.index('id="appears-on"') : page.index('id="related-artists"')]
    assert "Mirror" in appears
    assert "Not Yet" not in appears
    assert "Shine" not in appears  # their own albums are listed above, not here
    related = page[page.index('id="related-artists"') :]
    assert related.index(">Twin<") < related.index(">Cousin<")  # two genres shared, then one
    assert ">Stranger<" not in related
    assert ">Hidden<" not in related  # nothing published

    body = client.get("/api/v1/browse/artists/star/").json()
    assert [album["title"] for album in body["appears_on"]] == ["Mirror"]
    assert [artist["name"] for artist in body["related_artists"]] == ["Twin", "Cousin"]
