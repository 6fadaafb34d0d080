"""The playlists and library API as its clients see it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.artwork import ARTWORK_SIZES, artwork_url
from catalog.models import Album
from playlists.models import MAX_ITEMS, Playlist, PlaylistItem
from playlists.services.items import playlist_items_add
from playlists.services.playlists import playlist_cover_set, playlist_create
from tests.catalog.conftest import png_bytes
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.playlists.factories import items_bulk

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error(response) -> tuple[int, str]:
    body = response.json()
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == response.status_code
    return response.status_code, body["error"]["code"]


def test_a_listener_builds_a_playlist(alice, tracks):
    client = api(alice)
    made = client.post("/api/v1/playlists/", {"name": "  Morning  ", "description": "Coffee"}, format="json")
    assert made.status_code == 201, made.json()
    playlist = made.json()
    assert (playlist["name"], playlist["visibility"], playlist["item_count"]) == ("Morning", "public", 0)
    assert playlist["owner"]["username"] == "alice"
    assert playlist["share_url"].endswith(f"/playlists/shared/{Playlist.objects.get().share_token}/")
    url = f"/api/v1/playlists/{playlist['id']}/"

    added = client.post(url + "items/", {"track_ids": [t.pk for t in tracks[:3]]}, format="json")
    assert added.status_code == 201
    assert added.json()["snapshot_id"] != playlist["snapshot_id"]
    client.post(url + "items/", {"track_ids": [tracks[3].pk], "position": 0}, format="json")
    moved = client.put(url + "items/", {"range_start": 0, "insert_before": 4}, format="json")
    assert moved.status_code == 200

    listing = client.get(url + "items/").json()
    assert listing["count"] == 4
    assert [i["track"]["title"] for i in listing["results"]] == ["Song 1", "Song 2", "Song 3", "Song 4"]
    assert listing["results"][0]["is_available"] is True
    assert listing["results"][0]["added_by"]["username"] == "alice"

    first = listing["results"][0]["id"]
    last = listing["results"][3]["id"]
    assert client.post(url + f"items/{first}/move/", {"before_item_id": None}, format="json").status_code == 200
    assert client.post(url + f"items/{last}/move/", {"before_item_id": None}, format="json").status_code == 200
    removed = client.delete(url + "items/", {"track_ids": [tracks[1].pk]}, format="json")
    assert removed.status_code == 200
    titles = [i["track_title"] for i in client.get(url + "items/").json()["results"]]
    assert titles == ["Song 3", "Song 1", "Song 4"]

    renamed = client.patch(url, {"name": "Mornings", "visibility": "unlisted"}, format="json")
    assert (renamed.json()["name"], renamed.json()["visibility"]) == ("Mornings", "unlisted")
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_a_stale_snapshot_is_a_conflict_and_a_fresh_one_goes_through(alice, playlist, tracks):
    client = api(alice)
    url = f"/api/v1/playlists/{playlist.pk}/"
    old = playlist.snapshot_id
    fresh = client.post(url + "items/", {"track_ids": [tracks[0].pk], "snapshot_id": old}, format="json")
    assert fresh.status_code == 201
    new = fresh.json()["snapshot_id"]

    stale = client.post(url + "items/", {"track_ids": [tracks[1].pk], "snapshot_id": old}, format="json")
    assert error(stale) == (409, "stale_snapshot")
    assert error(client.patch(url, {"name": "X", "snapshot_id": old}, format="json")) == (409, "stale_snapshot")

    renamed = client.patch(url, {"name": "Fresh", "snapshot_id": new}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["snapshot_id"] not in {old, new}
    assert PlaylistItem.objects.filter(playlist=playlist).count() == 1


def test_a_full_playlist_says_so(alice, playlist, tracks):
    items_bulk(playlist, tracks, repeat=MAX_ITEMS // len(tracks))
    response = api(alice).post(f"/api/v1/playlists/{playlist.pk}/items/", {"track_ids": [tracks[0].pk]}, format="json")

    assert error(response) == (400, "playlist_full")
    assert "up to 10,000 tracks" in response.json()["error"]["message"]


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_hidden_playlists_are_not_found_by_strangers(alice, bob, eve, visibility, tracks):
    playlist = playlist_create(owner=alice, name="Hidden", visibility=visibility)
    url = f"/api/v1/playlists/{playlist.pk}/"

    for client in (api(), api(eve)):
        assert error(client.get(url)) == (404, "not_found")
        assert error(client.get(url + "items/")) == (404, "not_found")
    assert error(api(eve).post(url + "items/", {"track_ids": [tracks[0].pk]}, format="json")) == (404, "not_found")
    assert error(api(eve).patch(url, {"name": "Mine"}, format="json")) == (404, "not_found")
    assert error(api(eve).delete(url)) == (404, "not_found")
    assert error(api(eve).put(url + "followers/")) == (404, "not_found")
    assert playlist.pk not in [p["id"] for p in api(eve).get("/api/v1/playlists/").json()["results"]]
    assert api(alice).get(url).status_code == 200


def test_the_owner_alone_changes_details_sharing_and_deletes(alice, bob, shared_with_bob, tracks):
    url = f"/api/v1/playlists/{shared_with_bob.pk}/"
    bob_api = api(bob)

    assert bob_api.get(url).status_code == 200
    assert bob_api.post(url + "items/", {"track_ids": [tracks[0].pk, tracks[1].pk]}, format="json").status_code == 201
    assert bob_api.put(url + "items/", {"range_start": 1, "insert_before": 0}, format="json").status_code == 200
    assert bob_api.delete(url + "items/", {"track_ids": [tracks[0].pk]}, format="json").status_code == 200

    assert error(bob_api.patch(url, {"name": "Bob's now"}, format="json")) == (403, "permission_denied")
    assert error(bob_api.patch(url, {"visibility": "public"}, format="json")) == (403, "permission_denied")
    assert error(bob_api.delete(url)) == (403, "permission_denied")
    assert error(bob_api.post(url + "share/")) == (403, "permission_denied")
    assert error(bob_api.post(url + "collaborators/", {"user": "eve"}, format="json")) == (403, "permission_denied")
    assert Playlist.objects.get(pk=shared_with_bob.pk).name == "Together"

    # A collaborator may leave; then the private playlist is gone for them.
    assert bob_api.delete(url + f"collaborators/{bob.pk}/").status_code == 204
    assert bob_api.get(url).status_code == 404


def test_anonymous_listeners_read_public_playlists_only(alice, playlist, tracks):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk])
    client = api()

    assert client.get(f"/api/v1/playlists/{playlist.pk}/").json()["share_url"] is None
    assert client.get(f"/api/v1/playlists/{playlist.pk}/items/").json()["count"] == 1
    assert error(client.post(f"/api/v1/playlists/{playlist.pk}/items/", {"track_ids": [1]}, format="json"))[0] in {
        401,
        403,
    }
    assert error(client.get("/api/v1/me/tracks/"))[0] in {401, 403}


def test_an_unlisted_playlist_opens_by_its_share_link_until_revoked(alice, eve):
    playlist = playlist_create(owner=alice, name="Secret", visibility="unlisted")
    link = f"/api/v1/playlists/shared/{playlist.share_token}/"

    assert api(eve).get(link).json()["name"] == "Secret"
    assert api().get(link).status_code == 200

    revoked = api(alice).delete(f"/api/v1/playlists/{playlist.pk}/share/")
    assert revoked.json()["share_url"] is None
    assert error(api(eve).get(link)) == (404, "not_found")

    renewed = api(alice).post(f"/api/v1/playlists/{playlist.pk}/share/").json()["share_url"]
    token = renewed.rstrip("/").rsplit("/", 1)[1]
    assert api(eve).get(f"/api/v1/playlists/shared/{token}/").status_code == 200
    assert error(api(eve).get(link)) == (404, "not_found")


def test_a_private_playlist_never_opens_by_a_share_link(alice, eve):
    playlist = playlist_create(owner=alice, name="Diary", visibility="private")
    assert error(api(eve).get(f"/api/v1/playlists/shared/{playlist.share_token}/")) == (404, "not_found")


def test_following_and_copying_a_public_playlist(alice, eve, playlist, tracks):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in tracks[:3]])
    url = f"/api/v1/playlists/{playlist.pk}/"
    client = api(eve)

    assert client.put(url + "followers/").status_code == 204
    assert client.put(url + "followers/").status_code == 204  # idempotent
    assert client.get(url).json()["follower_count"] == 1
    assert [p["id"] for p in client.get("/api/v1/me/playlists/").json()["results"]] == [playlist.pk]
    assert client.get("/api/v1/me/playlists/contains/").status_code == 404
    assert error(api(alice).put(url + "followers/")) == (400, "own_playlist")

    copy = client.post(url + "copy/", {}, format="json")
    assert copy.status_code == 201
    assert (copy.json()["name"], copy.json()["visibility"], copy.json()["item_count"]) == (
        "Road trip (copy)",
        "private",
        3,
    )
    assert client.delete(url + "followers/").status_code == 204
    assert client.get(url).json()["follower_count"] == 0
    assert [p["id"] for p in client.get("/api/v1/me/playlists/").json()["results"]] == [copy.json()["id"]]


def test_unavailable_tracks_stay_listed_in_the_api(alice, playlist, tracks, album):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in tracks[:2]])
    tracks[1].delete()
    Album.objects.filter(pk=album.pk).update(status=Album.Status.UNPUBLISHED)

    results = api(alice).get(f"/api/v1/playlists/{playlist.pk}/items/").json()["results"]

    assert [(r["track_title"], r["is_available"], r["track"] is None) for r in results] == [
        ("Song 1", False, False),
        ("Song 2", False, True),
    ]


def test_the_library_api(alice, tracks, album):
    client = api(alice)
    artist = album.artist
    assert client.put("/api/v1/me/tracks/", {"ids": [tracks[2].pk, tracks[0].pk]}, format="json").status_code == 204
    assert client.put("/api/v1/me/tracks/", {"ids": [tracks[0].pk]}, format="json").status_code == 204
    assert client.put("/api/v1/me/albums/", {"ids": [album.pk]}, format="json").status_code == 204
    assert client.put("/api/v1/me/following/", {"ids": [artist.pk]}, format="json").status_code == 204

    liked = client.get("/api/v1/me/tracks/").json()
    assert liked["count"] == 2
    assert {r["track"]["title"] for r in liked["results"]} == {"Song 1", "Song 3"}
    assert client.get("/api/v1/me/albums/").json()["results"][0]["album"]["title"] == "Northern Lights"
    assert client.get("/api/v1/me/following/").json()["results"][0]["artist"]["id"] == artist.pk
    ids = f"{tracks[0].pk},{tracks[1].pk}"
    assert client.get(f"/api/v1/me/tracks/contains/?ids={ids}").json() == [True, False]

    assert client.delete("/api/v1/me/tracks/", {"ids": [tracks[0].pk]}, format="json").status_code == 204
    assert client.get(f"/api/v1/me/tracks/contains/?ids={ids}").json() == [False, False]
    assert client.delete("/api/v1/me/albums/", {"ids": [album.pk]}, format="json").status_code == 204
    assert client.get("/api/v1/me/albums/").json()["count"] == 0


def test_a_like_shows_on_the_next_request(alice, tracks):
    client = api(alice)
    ids = f"{tracks[0].pk}"
    assert client.get(f"/api/v1/me/tracks/contains/?ids={ids}").json() == [False]  # now cached

    client.put("/api/v1/me/tracks/", {"ids": [tracks[0].pk]}, format="json")

    assert client.get(f"/api/v1/me/tracks/contains/?ids={ids}").json() == [True]


def test_someones_public_playlists(alice, eve):
    playlist_create(owner=alice, name="Out loud")
    playlist_create(owner=alice, name="Quiet", visibility="private")

    names = [p["name"] for p in api(eve).get("/api/v1/users/alice/playlists/").json()["results"]]
    assert names == ["Out loud"]
    assert error(api().get("/api/v1/users/nobody/playlists/")) == (404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("post", "items/", {"track_ids": "1,2"}, (400, "invalid")),
        ("post", "items/", {"track_ids": []}, (400, "invalid")),
        ("post", "items/", {"track_ids": [999_999]}, (400, "track_not_found")),
        ("post", "items/", {"track_ids": [1], "position": -1}, (400, "invalid")),
        ("post", "items/", {"track_ids": list(range(1, 200))}, (400, "invalid")),
        ("put", "items/", {"range_start": 5, "insert_before": 0}, (400, "invalid_range")),
        ("put", "items/", {"range_start": "x", "insert_before": 0}, (400, "invalid")),
        ("delete", "items/", {}, (400, "nothing_to_remove")),
        ("post", "items/999999/move/", {"before_item_id": None}, (400, "item_not_found")),
        ("patch", "", {"visibility": "secret"}, (400, "invalid")),
        ("patch", "", {"name": ""}, (400, "invalid")),
        ("patch", "", {"name": "x" * 101}, (400, "invalid")),
        ("post", "collaborators/", {"user": "nobody"}, (400, "unknown_user")),
        ("post", "collaborators/", {"user": ""}, (400, "invalid")),
        ("post", "collaborators/", {"user": "alice"}, (400, "owner")),
        ("put", "cover/", {"image": "not a file"}, (400, "invalid")),
        ("post", "items/", {"track_ids": [10**20]}, (400, "invalid")),
        ("post", "items/", {"track_ids": [1], "snapshot_id": "x" * 500}, (400, "invalid")),
        ("post", f"items/{10**20}/move/", {"before_item_id": None}, (400, "item_not_found")),
        ("post", "items/1/move/", {"before_item_id": 10**20}, (400, "invalid")),
        ("delete", "items/", {"item_ids": [10**20]}, (400, "invalid")),
        ("delete", "items/", {"item_ids": [2**63 - 1]}, None),
        ("delete", f"collaborators/{10**20}/", {}, (404, "not_found")),
    ],
)
def test_odd_input_gets_a_clear_4xx(alice, playlist, method, path, body, expected):
    client = api(alice)
    fmt = "multipart" if path == "cover/" else "json"
    response = getattr(client, method)(f"/api/v1/playlists/{playlist.pk}/{path}", body, format=fmt)
    if expected is None:
        assert response.status_code == 200  # nothing to remove is no error
    else:
        assert error(response) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/playlists/abc/", 404),
        ("/api/v1/playlists/99999999999999999999/", 404),
        ("/api/v1/playlists/shared/nope/", 404),
        ("/api/v1/me/tracks/contains/?ids=", 400),
        ("/api/v1/me/tracks/contains/?ids=1,x", 400),
        ("/api/v1/me/tracks/contains/?ids=" + ",".join(["1"] * 51), 400),
        ("/api/v1/playlists/1/items/?page=999", 404),
    ],
)
def test_odd_urls_get_a_clear_4xx(alice, playlist, path, expected):
    assert error(api(alice).get(path))[0] == expected


def test_library_changes_with_odd_ids_are_refused(alice):
    client = api(alice)
    assert error(client.put("/api/v1/me/tracks/", {"ids": [0]}, format="json")) == (400, "invalid")
    assert error(client.put("/api/v1/me/tracks/", {"ids": [123456]}, format="json")) == (400, "not_found")
    assert error(client.put("/api/v1/me/albums/", {"ids": "x"}, format="json")) == (400, "invalid")
    assert error(client.put("/api/v1/me/following/", {}, format="json")) == (400, "invalid")
    assert error(client.put("/api/v1/me/tracks/", {"ids": [10**20]}, format="json")) == (400, "invalid")
    assert error(client.delete("/api/v1/me/tracks/", {"ids": [10**20]}, format="json")) == (400, "invalid")
    assert client.get(f"/api/v1/me/albums/contains/?ids=1,{10**20}").json() == [False, False]


@pytest.mark.parametrize("length", [10, MAX_ITEMS])
def test_query_counts_do_not_grow_with_the_playlist(alice, playlist, tracks, length, django_assert_max_num_queries):
    artists = [ArtistFactory() for _ in range(3)]
    more = [TrackFactory(album=AlbumFactory(artist=a, status="published")) for a in artists for _ in range(3)]
    items_bulk(playlist, tracks + more, repeat=max(1, length // (len(tracks) + len(more))))
    client = api(alice)
    url = f"/api/v1/playlists/{playlist.pk}/"

    last_page = (playlist.item_count + 49) // 50
    with django_assert_max_num_queries(6):
        assert client.get(url + f"items/?page={last_page}&page_size=50").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/me/playlists/").status_code == 200


def test_the_schema_documents_playlists_and_the_library(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/playlists/",
        "/api/v1/playlists/{id}/items/",
        "/api/v1/playlists/{id}/items/{item_id}/move/",
        "/api/v1/playlists/{id}/followers/",
        "/api/v1/playlists/shared/{token}/",
        "/api/v1/me/playlists/",
        "/api/v1/me/tracks/",
        "/api/v1/me/albums/",
        "/api/v1/me/following/",
    } <= paths
    assert {"get", "post", "put", "delete"} <= set(schema["paths"]["/api/v1/playlists/{id}/items/"])


@pytest.mark.parametrize("part", ["tracks", "albums", "following"])
def test_options_on_a_part_of_the_library_describes_the_ids_it_takes(alice, part):
    response = api(alice).options(f"/api/v1/me/{part}/")

    assert response.status_code == 200
    ids = {
        "type": "list",
        "required": True,
        "read_only": False,
        "label": "Ids",
        "min_length": 1,
        "max_length": 50,
        "child": {"type": "integer", "required": True, "read_only": False, "min_value": 1, "max_value": 2**63 - 1},
    }
    assert response.json()["actions"] == {"PUT": {"ids": ids}, "DELETE": {"ids": ids}}


def test_a_playlists_images_are_absolute_urls(alice, playlist):
    playlist = playlist_cover_set(playlist=playlist, by=alice, file=SimpleUploadedFile("c.png", png_bytes()))
    images = {str(size): f"http://testserver{artwork_url(playlist.cover.name, size)}" for size in ARTWORK_SIZES}
    if artwork_url(playlist.cover.name, 64).startswith("http"):  # storage that answers URLs of its own
        images = {str(size): artwork_url(playlist.cover.name, size) for size in ARTWORK_SIZES}
    client = api(alice)

    def unsigned(found: dict[str, str]) -> dict[str, str]:
        # A bucket signs each URL afresh, its expiry a second later or not: the address is what matters.
        return {size: url.partition("?")[0] for size, url in found.items()}

    assert unsigned(client.get(f"/api/v1/playlists/{playlist.pk}/").json()["images"]) == unsigned(images)
    assert unsigned(client.get("/api/v1/me/playlists/").json()["results"][0]["images"]) == unsigned(images)
    answer = client.get(f"/api/v1/users/{alice.username}/playlists/").json()["results"][0]["images"]
    assert unsigned(answer) == unsigned(images)
    assert all(url.startswith(("http://", "https://")) for url in answer.values())
