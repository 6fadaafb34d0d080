"""The catalog API as its clients see it: artists' members build albums, listeners see what is published."""

import datetime as dt
from urllib.parse import urljoin

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.artwork import ARTWORK_SIZES, artwork_url
from catalog.models import Album, ArtistMembership, Track
from catalog.services.albums import album_artwork_set, album_create, album_publish, album_tracks_add, albums_release_due
from catalog.services.artists import artist_image_set
from catalog.services.tracks import track_upload
from tests.catalog.conftest import png_bytes, stored_names, upload_of

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def ready_track(artist, owner, audio_bytes, django_capture_on_commit_callbacks):
    """Upload a ready track, named by its (untagged) file's name."""

    def make(title: str = "Song"):
        with django_capture_on_commit_callbacks(execute=True):
            return track_upload(artist=artist, by=owner, file=SimpleUploadedFile(f"{title}.mp3", audio_bytes("mp3")))

    return make


@pytest.fixture
def published_album(artist, owner, ready_track):
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")
    tracks = [ready_track(title=f"Song {n}") for n in range(1, 4)]
    album_tracks_add(album=album, by=owner, track_ids=[t.pk for t in tracks])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    return album_publish(album=album, by=owner)


@pytest.fixture
def draft_album(artist, owner):
    return album_create(artist_id=artist.pk, by=owner, title="Secret Demos")


def test_an_artist_member_builds_and_publishes_an_album(owner, artist, audio_bytes, django_capture_on_commit_callbacks):
    api = client_for(owner)

    album = api.post(
        "/api/v1/albums/", {"artist": artist.pk, "title": "Polar Night", "album_type": "ep"}, format="json"
    )
    assert album.status_code == 201, album.json()
    album_id = album.json()["id"]
    track_ids = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            upload = api.post(
                "/api/v1/uploads/",
                {"artist": artist.pk, "file": SimpleUploadedFile(f"Part {n + 1}.flac", audio_bytes("flac"))},
                format="multipart",
            )
        assert upload.status_code == 201, upload.json()
        assert upload.json()["status"] == "processing"
        track_ids.append(upload.json()["id"])
    assert [api.get(f"/api/v1/uploads/{pk}/").json()["status"] for pk in track_ids] == ["ready"] * 3

    added = api.post(f"/api/v1/albums/{album_id}/tracks/", {"track_ids": track_ids}, format="json")
    assert [t["title"] for t in added.json()["tracks"]] == ["Part 1", "Part 2", "Part 3"]

    order = [{"track": track_ids[2], "disc": 1}, {"track": track_ids[0], "disc": 1}, {"track": track_ids[1], "disc": 2}]
    reordered = api.put(f"/api/v1/albums/{album_id}/tracks/order/", {"order": order}, format="json")
    assert [(t["title"], t["disc_number"], t["track_number"]) for t in reordered.json()["tracks"]] == [
        ("Part 3", 1, 1),
        ("Part 1", 1, 2),
        ("Part 2", 2, 1),
    ]

    refused = api.post(f"/api/v1/albums/{album_id}/publish/")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "no_artwork"
    assert refused.json()["error"]["message"] == "An album needs artwork before it is published."

    art = api.put(
        f"/api/v1/albums/{album_id}/artwork/", {"image": SimpleUploadedFile("a.png", png_bytes())}, format="multipart"
    )
    assert set(art.json()["artwork"]) == {"64", "300", "640"}
    published = api.post(f"/api/v1/albums/{album_id}/publish/")
    assert published.json()["status"] == "published"

    listener_view = client_for().get(f"/api/v1/albums/{album_id}/")
    assert listener_view.status_code == 200
    assert [t["title"] for t in listener_view.json()["tracks"]] == ["Part 3", "Part 1", "Part 2"]


def test_drafts_are_invisible_to_everyone_but_members(draft_album, published_album, owner, editor, stranger, staff):
    for who, sees_draft in [(None, False), (stranger, False), (editor, True), (owner, True), (staff, True)]:
        api = client_for(who)
        listed = {a["title"] for a in api.get("/api/v1/albums/").json()["results"]}
        detail = api.get(f"/api/v1/albums/{draft_album.pk}/")
        assert ("Secret Demos" in listed) is sees_draft
        assert detail.status_code == (200 if sees_draft else 404)
        assert "Northern Lights" in listed


def test_unready_tracks_of_a_published_album_stay_hidden(published_album, artist, owner, stranger):
    Track.objects.filter(album=published_album).order_by("track_number").first().delete()
    Track.objects.filter(album=published_album).update(status=Track.Status.PROCESSING)
    Track.objects.filter(album=published_album, track_number=3).update(status=Track.Status.READY)

    seen = client_for(stranger).get(f"/api/v1/albums/{published_album.pk}/").json()["tracks"]
    member_sees = client_for(owner).get(f"/api/v1/albums/{published_album.pk}/").json()["tracks"]

    assert [t["track_number"] for t in seen] == [3]
    assert [t["track_number"] for t in member_sees] == [2, 3]


WRITES = [
    ("patch", "/api/v1/albums/{draft}/", {"title": "Renamed"}),
    ("post", "/api/v1/albums/{draft}/publish/", None),
    ("put", "/api/v1/albums/{draft}/tracks/order/", {"order": []}),
    ("delete", "/api/v1/albums/{draft}/", None),
    ("patch", "/api/v1/albums/{published}/", {"title": "Renamed"}),
    ("post", "/api/v1/albums/{published}/unpublish/", None),
    ("patch", "/api/v1/tracks/{track}/", {"title": "Renamed"}),
    ("delete", "/api/v1/tracks/{track}/", None),
    ("patch", "/api/v1/artists/{artist}/", {"bio": "Changed"}),
    ("post", "/api/v1/artists/{artist}/members/", {"user": "stranger"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", "nothing"), ("stranger", "nothing"), ("editor", "content"), ("owner", "all"), ("staff", "all")],
)
def test_every_write_needs_the_right_member(
    method, path, body, who, allowed, request, artist, stranger, draft_album, published_album
):
    track = published_album.tracks.first()
    url = path.format(draft=draft_album.pk, published=published_album.pk, track=track.pk, artist=artist.pk)
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = getattr(client_for(user), method)(url, body, format="json")

    # Editors change the catalog; only owners (and staff) change who the members are.
    may = allowed == "all" or (allowed == "content" and "members" not in path)
    if may:
        # Past the door: done, or refused for a reason of the catalog's own (no artwork yet...).
        assert response.status_code not in (401, 403, 404), (url, response.json() if response.content else None)
    elif who == "anonymous":
        assert response.status_code == 401
    elif "{draft}" in path:
        assert response.status_code == 404  # a stranger does not learn that the draft exists
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert Album.objects.filter(pk=draft_album.pk, title="Secret Demos").exists() or may


def test_members_are_managed_by_owners_and_one_owner_always_stays(artist, owner, editor, stranger):
    api = client_for(owner)

    invited = api.post(f"/api/v1/artists/{artist.pk}/members/", {"user": "stranger", "role": "editor"}, format="json")
    assert invited.status_code == 202
    accepted = client_for(stranger).post(f"/api/v1/me/artist-invitations/{invited.json()['id']}/accept/")
    assert accepted.status_code == 200
    listed = api.get(f"/api/v1/artists/{artist.pk}/members/").json()["results"]
    assert {m["username"]: m["role"] for m in listed} == {
        "owner": "owner",
        "editor": "editor",
        "stranger": "editor",
    }

    demote = api.patch(f"/api/v1/artists/{artist.pk}/members/{owner.pk}/", {"role": "editor"}, format="json")
    assert demote.status_code == 400
    assert demote.json()["error"]["code"] == "last_owner"
    leave = api.delete(f"/api/v1/artists/{artist.pk}/members/{owner.pk}/")
    assert leave.status_code == 400

    by_editor = client_for(editor).post(f"/api/v1/artists/{artist.pk}/members/", {"user": "staff@x"}, format="json")
    assert by_editor.status_code in (400, 403)

    moved = api.post(f"/api/v1/artists/{artist.pk}/transfer-ownership/", {"user": "editor"}, format="json")
    assert {m["username"]: m["role"] for m in moved.json()} == {
        "owner": "editor",
        "editor": "owner",
        "stranger": "editor",
    }
    assert client_for(editor).delete(f"/api/v1/artists/{artist.pk}/members/{stranger.pk}/").status_code == 204
    assert not ArtistMembership.objects.filter(artist=artist, user=stranger).exists()


def test_members_list_is_for_members_only(artist, stranger):
    assert client_for(stranger).get(f"/api/v1/artists/{artist.pk}/members/").status_code == 404


def test_a_scheduled_album_is_released_by_the_periodic_task(published_album, owner, stranger):
    album = album_create(artist_id=published_album.artist_id, by=owner, title="Next Year")
    album_tracks_add(album=album, by=owner, track_ids=[published_album.tracks.first().pk])
    album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    release_at = timezone.now() + dt.timedelta(days=2)

    scheduled = client_for(owner).post(
        f"/api/v1/albums/{album.pk}/schedule/", {"release_at": release_at.isoformat()}, format="json"
    )
    assert scheduled.json()["status"] == "scheduled"
    assert client_for(stranger).get(f"/api/v1/albums/{album.pk}/").status_code == 404
    assert albums_release_due(now=timezone.now()) == []

    assert albums_release_due(now=release_at + dt.timedelta(seconds=1)) == [album.pk]
    assert client_for(stranger).get(f"/api/v1/albums/{album.pk}/").json()["status"] == "published"


def test_scheduling_in_the_past_is_refused(draft_album, owner):
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()

    response = client_for(owner).post(f"/api/v1/albums/{draft_album.pk}/schedule/", {"release_at": past}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "in_the_past"


def test_deleting_a_track_removes_its_original(ready_track, owner, django_capture_on_commit_callbacks):
    track = ready_track()
    original = track.original.name
    assert default_storage.exists(original)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete(f"/api/v1/tracks/{track.pk}/")

    assert response.status_code == 204
    assert not default_storage.exists(original)
    assert stored_names("originals/") == []


def test_deleting_an_album_removes_its_artwork_and_keeps_its_tracks(
    published_album, owner, django_capture_on_commit_callbacks
):
    track_ids = set(published_album.tracks.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete(f"/api/v1/albums/{published_album.pk}/")

    assert response.status_code == 204
    assert stored_names("albums/") == []
    assert set(Track.objects.filter(album=None).values_list("pk", flat=True)) == track_ids


def test_upload_api_accepts_bad_audio_then_shows_it_failed_with_the_reason(
    artist, owner, django_capture_on_commit_callbacks
):
    api = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/uploads/",
            {"artist": artist.pk, "file": SimpleUploadedFile("x.mp3", b"not audio")},
            format="multipart",
        )

    assert (response.status_code, response.json()["status"]) == (201, "processing")
    track = api.get(f"/api/v1/uploads/{response.json()['id']}/").json()
    assert track["status"] == "failed"
    assert "not an audio format" in track["failure_reason"]
    assert stored_names() == []


def test_upload_api_refuses_an_empty_file_with_the_error_shape(artist, owner):
    response = client_for(owner).post(
        "/api/v1/uploads/", {"artist": artist.pk, "file": SimpleUploadedFile("x.mp3", b"")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"file": ["The submitted file is empty."]}
    assert (Track.objects.count(), stored_names()) == (0, [])


def test_upload_api_stops_reading_an_oversized_file(artist, owner, settings, make_audio):
    settings.UPLOAD_MAX_BYTES = 50_000

    response = client_for(owner).post(
        "/api/v1/uploads/", {"artist": artist.pk, "file": upload_of(make_audio("wav", seconds=2))}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"file": ["The file is larger than 0 MB."]}
    assert stored_names() == []


def test_upload_list_shows_only_my_artists_tracks(ready_track, owner, stranger):
    ready_track()

    assert client_for(owner).get("/api/v1/uploads/").json()["count"] == 1
    assert client_for(stranger).get("/api/v1/uploads/").json()["count"] == 0
    assert client_for().get("/api/v1/uploads/").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/albums/", "/api/v1/tracks/", "/api/v1/albums/{album}/", "/api/v1/uploads/"])
def test_query_counts_do_not_grow_with_the_number_of_tracks(path, artist, owner, django_assert_max_num_queries):
    album = album_create(artist_id=artist.pk, by=owner, title="Long Player")
    Album.objects.filter(pk=album.pk).update(status=Album.Status.PUBLISHED)
    api = client_for(owner)
    for count in (3, 30):
        Track.objects.bulk_create(
            Track(title=f"T{n}", artist=artist, album=album, track_number=n, status="ready", original="x.mp3")
            for n in range(Track.objects.count() + 1, count + 1)
        )
        with django_assert_max_num_queries(12):
            response = api.get(path.format(album=album.pk), {"page_size": 100})
        assert response.status_code == 200


def _absolute(name: str) -> dict[str, str]:
    """Every size of the artwork stored as ``name``, as a URL on the test server (storage's own when absolute)."""
    return {str(size): urljoin("http://testserver/", artwork_url(name, size)) for size in ARTWORK_SIZES}


def _unsigned(urls: dict[str, str]) -> dict[str, str]:
    """The addresses without a bucket's signature, whose expiry moves with the second it was made in."""
    return {size: url.partition("?")[0] for size, url in urls.items()}


def test_artwork_and_pictures_are_absolute_urls(owner, artist):
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")
    album = album_artwork_set(album=album, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))
    artist = artist_image_set(artist=artist, by=owner, file=SimpleUploadedFile("p.png", png_bytes()))
    api = client_for(owner)
    artwork, picture = _unsigned(_absolute(album.artwork.name)), _unsigned(_absolute(artist.image.name))

    assert artwork["640"].startswith(("http://", "https://"))
    assert _unsigned(api.get(f"/api/v1/albums/{album.pk}/").json()["artwork"]) == artwork
    assert _unsigned(api.get("/api/v1/albums/").json()["results"][0]["artwork"]) == artwork
    changed = api.patch(f"/api/v1/albums/{album.pk}/", {"label": "Demo"}, format="json")
    assert _unsigned(changed.json()["artwork"]) == artwork
    assert _unsigned(api.get(f"/api/v1/artists/{artist.pk}/").json()["image"]) == picture
    assert _unsigned(api.get("/api/v1/artists/mine/").json()["results"][0]["image"]) == picture
    replaced = api.put(
        f"/api/v1/artists/{artist.pk}/image/", {"image": SimpleUploadedFile("p.png", png_bytes())}, format="multipart"
    )
    artist.refresh_from_db()
    assert _unsigned(replaced.json()["image"]) == _unsigned(_absolute(artist.image.name))


def test_a_track_on_no_album_answers_null_as_its_schema_allows(owner, artist):
    track = Track.objects.create(title="Loose", artist=artist, original="x.mp3")

    upload = client_for(owner).get(f"/api/v1/uploads/{track.pk}/").json()
    schema = client_for().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert upload["album"] is None
    assert schema["components"]["schemas"]["Track"]["properties"]["album"]["nullable"] is True


def test_put_on_an_album_is_documented_as_answering_the_album(owner, artist):
    album = album_create(artist_id=artist.pk, by=owner, title="Northern Lights")

    put = client_for(owner).put(f"/api/v1/albums/{album.pk}/", {"title": "Southern Lights"}, format="json")
    schema = client_for().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert (put.status_code, put.json()["title"], put.json()["artist"]["id"]) == (200, "Southern Lights", artist.pk)
    answer = schema["paths"]["/api/v1/albums/{id}/"]["put"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/AlbumDetail"}
