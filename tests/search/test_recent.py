"""Recent searches: the results a listener opened or played from search, shown when the search box is empty."""

from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Album
from playlists.services.playlists import playlist_create
from search.services import RECENT_SEARCHES_KEPT, recent_search_add
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory


def _published(title: str) -> Album:
    return AlbumFactory(
        artist=ArtistFactory(name=f"{title} Band"),
        title=title,
        status=Album.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def test_the_empty_search_page_lists_recent_searches_latest_first_until_cleared(
    client: Any, stranger: User, db: None
) -> None:
    first, second = _published("Harbour Lights"), _published("Copper Sky")
    track = TrackFactory(album=second, artist=second.artist, title="Copper Wire")
    for kind, pk in (("album", first.pk), ("track", track.pk), ("artist", second.artist_id), ("album", first.pk)):
        recent_search_add(user=stranger, kind=kind, object_id=pk)
    client.force_login(stranger)

    page = client.get("/search/").content.decode()
    recent = page[page.index('id="recent-searches"') :]
    assert recent.index("Harbour Lights") < recent.index("Copper Sky Band") < recent.index("Copper Wire")
    assert recent.count("<strong>Harbour Lights</strong>") == 1  # searched twice, listed once, at the top
    assert "Album · Harbour Lights Band" in recent
    assert 'id="recent-searches"' not in client.get("/search/", {"q": "copper"}).content.decode()

    Album.objects.filter(pk=first.pk).update(status=Album.Status.UNPUBLISHED)  # gone from the catalog
    assert "Harbour Lights" not in client.get("/search/").content.decode()

    response = client.post("/search/recent/clear/")
    assert response.status_code == 302
    assert 'id="recent-searches"' not in client.get("/search/").content.decode()


def test_only_the_latest_ten_are_kept(stranger: User, db: None) -> None:
    albums = [_published(f"Record {n}") for n in range(RECENT_SEARCHES_KEPT + 3)]
    for album in albums:
        recent_search_add(user=stranger, kind="album", object_id=album.pk)
    assert stranger.recent_searches.count() == RECENT_SEARCHES_KEPT
    kept = set(stranger.recent_searches.values_list("object_id", flat=True))
    assert kept == {album.pk for album in albums[3:]}


def test_the_api_adds_lists_and_clears_and_refuses_what_the_caller_may_not_see(
    stranger: User, owner: User, db: None
) -> None:
    album = _published("Night Ferry")
    private = playlist_create(owner=owner, name="Secret Mix", visibility="private")
    mine = playlist_create(owner=stranger, name="My Own Mix", visibility="private")
    api = APIClient()
    assert api.get("/api/v1/me/recent-searches/").status_code in (401, 403)
    api.force_authenticate(stranger)

    assert api.post("/api/v1/me/recent-searches/", {"type": "album", "id": album.pk}, format="json").status_code == 204
    assert (
        api.post("/api/v1/me/recent-searches/", {"type": "playlist", "id": mine.pk}, format="json").status_code == 204
    )
    hidden = api.post("/api/v1/me/recent-searches/", {"type": "playlist", "id": private.pk}, format="json")
    assert hidden.status_code == 404  # someone else's private playlist: as if it did not exist
    bad = api.post("/api/v1/me/recent-searches/", {"type": "song", "id": "x"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) == {"type", "id"}

    items = api.get("/api/v1/me/recent-searches/").json()["items"]
    assert [(item["type"], item["name"]) for item in items] == [("playlist", "My Own Mix"), ("album", "Night Ferry")]
    assert items[1]["url"] == f"/albums/{album.pk}/"

    assert api.delete("/api/v1/me/recent-searches/").status_code == 204
    assert api.get("/api/v1/me/recent-searches/").json()["items"] == []
