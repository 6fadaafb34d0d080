from collections.abc import Callable
from typing import Any

import pytest

from catalog.models import Artist, Track


@pytest.fixture
def found(publish: Callable[..., Track], reindex: Callable[[], None]) -> None:
    for n in range(7):
        publish(f"Ocean Drive {n}", artist="Coast Line", plays=n)
    reindex()


def test_search_answers_each_kind_paginated(backend: str, found: None, client: Any) -> None:
    response = client.get("/api/v1/search/", {"q": "ocean drive", "type": "track,artist", "limit": 3, "offset": 3})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"tracks", "artists"}
    tracks = body["tracks"]
    assert [t["title"] for t in tracks["items"]] == ["Ocean Drive 3", "Ocean Drive 2", "Ocean Drive 1"]
    assert (tracks["total"], tracks["limit"], tracks["offset"]) == (7, 3, 3)
    assert "offset=6" in tracks["next"]
    assert "limit=3" in tracks["next"]
    assert "offset" not in tracks["previous"]
    assert tracks["items"][0]["artist"]["name"] == "Coast Line"


def test_all_kinds_by_default(backend: str, found: None, client: Any) -> None:
    body = client.get("/api/v1/search/", {"q": "coast"}).json()
    assert set(body) == {"tracks", "artists", "albums", "playlists"}
    assert [a["name"] for a in body["artists"]["items"]] == ["Coast Line"]
    assert body["playlists"] == {"items": [], "total": 0, "limit": 20, "offset": 0, "next": None, "previous": None}


def test_suggestions_mix_kinds(backend: str, found: None, client: Any) -> None:
    body = client.get("/api/v1/search/suggest/", {"q": "coast li", "limit": 3}).json()
    first = body["suggestions"][0]
    assert first["type"] == "artist"
    assert first["name"] == "Coast Line"
    assert first["url"] == f"/artists/{Artist.objects.get(name='Coast Line').slug}/"
    assert len(body["suggestions"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a", "type": "song"}, "type"),
        ({"q": "a", "type": ","}, "type"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 51}, "limit"),
        ({"q": "a", "limit": "many"}, "limit"),
        ({"q": "a", "offset": -1}, "offset"),
        ({"q": "a", "offset": 5000}, "offset"),
        ({"q": "a", "genre": "not a slug!"}, "genre"),
    ],
)
def test_bad_parameters_get_a_400_in_the_error_shape(client: Any, params: dict[str, Any], field: str) -> None:
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["details"]


def test_the_schema_documents_search(client: Any, db: None) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/search/" in schema["paths"]
    assert "/api/v1/search/suggest/" in schema["paths"]


def test_browse_endpoints_answer_in_constant_queries(client: Any, db: None, django_assert_max_num_queries: Any) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from catalog.models import Album, Genre
    from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

    jazz = Genre.objects.create(name="Jazz", slug="jazz")
    for size in (2, 20):
        artist = ArtistFactory(name=f"Trio {size}", slug=f"trio-{size}")
        album = AlbumFactory(artist=artist, status=Album.Status.PUBLISHED, published_at=timezone.now())
        album.genres.add(jazz)
        for n in range(size):
            TrackFactory(title=f"Tune {size}.{n}", album=album, play_count=n).genres.add(jazz)
        for url in (
            "/api/v1/browse/new-releases/",
            "/api/v1/browse/charts/",
            f"/api/v1/browse/artists/trio-{size}/",
            "/api/v1/browse/genres/jazz/",
        ):
            cache.clear()
            with django_assert_max_num_queries(10):
                assert client.get(url).status_code == 200, url

    artist = client.get("/api/v1/browse/artists/trio-20/").json()
    assert [t["title"] for t in artist["top_tracks"][:2]] == ["Tune 20.19", "Tune 20.18"]
    assert len(artist["top_tracks"]) == 10
    assert artist["albums_by_type"][0]["type"] == "Album"
    genre = client.get("/api/v1/browse/genres/jazz/").json()
    assert genre["popular"][0]["title"] == "Tune 20.19"
    assert len(genre["albums"]) == 2
    assert client.get("/api/v1/browse/charts/").json()["count"] == 22
    assert client.get("/api/v1/browse/artists/nobody/").status_code == 404
