"""Odd input to the API gets a 4xx in the API's error shape, never a server error."""

import pytest
from rest_framework.test import APIClient

from catalog.models import Track
from catalog.services.albums import album_create

BAD = [
    ("post", "/api/v1/albums/", {"artist": "x", "title": ""}),
    ("post", "/api/v1/albums/", {"artist": 999999, "title": "A"}),
    ("post", "/api/v1/albums/", {"artist": None}),
    ("post", "/api/v1/albums/", ["not", "a", "dict"]),
    ("patch", "/api/v1/albums/{album}/", {"release_date": "yesterday"}),
    ("patch", "/api/v1/albums/{album}/", {"genres": ["no-such-genre"]}),
    ("patch", "/api/v1/albums/{album}/", {"title": "x" * 1000}),
    ("put", "/api/v1/albums/{album}/tracks/order/", {"order": [{"track": 1}, {"track": 1}]}),
    ("put", "/api/v1/albums/{album}/tracks/order/", {"order": "nope"}),
    ("post", "/api/v1/albums/{album}/tracks/", {"track_ids": [10**12]}),
    ("post", "/api/v1/albums/{album}/schedule/", {"release_at": "2999-99-99"}),
    ("put", "/api/v1/albums/{album}/artwork/", {}),
    ("post", "/api/v1/uploads/", {}),
    ("post", "/api/v1/uploads/", {"artist": "abc"}),
    ("patch", "/api/v1/tracks/{track}/", {"isrc": "nope"}),
    ("patch", "/api/v1/tracks/{track}/", {"year": 99999}),
    ("patch", "/api/v1/tracks/{track}/", {"featured_artists": [10**12]}),
    ("post", "/api/v1/artists/", {"name": ""}),
    ("post", "/api/v1/artists/", {"name": "!!!"}),
    ("post", "/api/v1/artists/{artist}/members/", {"user": ""}),
    ("patch", "/api/v1/artists/{artist}/members/999999/", {"role": "owner"}),
    ("patch", "/api/v1/artists/{artist}/members/1/", {"role": "god"}),
    ("post", "/api/v1/artists/{artist}/transfer-ownership/", {"user": "owner"}),
    ("post", "/api/v1/me/player/plays/", {"track": 10**12, "ms_played": 1}),
    ("post", "/api/v1/me/player/plays/", {"track": "x", "ms_played": -1}),
    ("get", "/api/v1/tracks/99999999999999999999/stream/", None),
    ("get", "/api/v1/albums/abc/", None),
    ("get", "/api/v1/albums/?page=999", None),
    ("get", "/api/v1/albums/?status=bogus", None),
    ("patch", "/api/v1/me/", {"country": "ZZ"}),
    ("patch", "/api/v1/me/", {"email": "not-an-email"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "body"), BAD)
def test_odd_input_never_500(method, path, body, artist, owner):
    album = album_create(artist_id=artist.pk, by=owner, title="A")
    track = Track.objects.create(title="t", artist=artist, original="x.mp3")
    api = APIClient()
    api.force_authenticate(owner)
    url = path.format(album=album.pk, track=track.pk, artist=artist.pk)
    response = getattr(api, method)(url, body, format="json") if body is not None else getattr(api, method)(url)
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code >= 400 and response.content:
        assert "error" in response.json(), response.content[:200]


BEYOND_64_BITS = 2**63  # the first id no row can have: SQLite cannot even be asked about it
TOO_BIG = ["Ensure this value is less than or equal to 9223372036854775807."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/albums/", "artist"), ("/api/v1/tracks/", "artist"), ("/api/v1/tracks/", "album")],
)
def test_a_filter_on_an_id_beyond_64_bits_is_a_400(path, field):
    response = APIClient().get(path, {field: BEYOND_64_BITS})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {field: TOO_BIG}


@pytest.mark.django_db
def test_adding_a_track_id_beyond_64_bits_to_an_album_is_a_400_and_adds_nothing(artist, owner):
    album = album_create(artist_id=artist.pk, by=owner, title="A")
    track = Track.objects.create(title="t", artist=artist, original="x.mp3")
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(f"/api/v1/albums/{album.pk}/tracks/", {"track_ids": [track.pk, BEYOND_64_BITS]}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"track_ids": {"1": TOO_BIG}}
    assert list(album.tracks.all()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("album_id", ["999999", "abc", str(BEYOND_64_BITS)])
def test_an_album_nobody_may_see_is_a_404_in_the_error_shape(album_id):
    response = APIClient().get(f"/api/v1/albums/{album_id}/")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "No such album.", "details": {}}
    }
