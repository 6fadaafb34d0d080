"""Lyrics through the API: listeners read the published ones, members write, publish and export them."""

import pytest
from rest_framework.test import APIClient

from catalog.models import Album, Lyrics
from catalog.services.lyrics import lyrics_save
from tests.catalog.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db

SYNCED = [{"start_ms": 1000, "text": "First light"}, {"start_ms": 4500, "text": "Over the water"}]


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def track(artist):
    return TrackFactory(album=AlbumFactory(artist=artist, status=Album.Status.PUBLISHED), duration_ms=60_000)


def url(track, tail: str = "") -> str:
    return f"/api/v1/tracks/{track.pk}/lyrics{tail}"


def test_a_listener_reads_published_lyrics_and_never_the_draft(track, owner, stranger):
    lyrics_save(track=track, by=owner, lines=SYNCED, language="en", written_by="A. Fields", state="published")
    lyrics_save(track=track, by=owner, lines=[{"start_ms": None, "text": "Unfinished"}])

    answer = client_for(stranger).get(url(track, "/"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["synced"], body["language"], body["written_by"], body["state"]) == (
        True,
        "en",
        "A. Fields",
        "published",
    )
    assert body["lines"] == SYNCED
    assert client_for(None).get(url(track, "/")).json()["lines"] == SYNCED
    assert client_for(stranger).get(url(track, "/?state=draft")).status_code == 404
    assert client_for(owner).get(url(track, "/?state=draft")).json()["lines"] == [
        {"start_ms": None, "text": "Unfinished"}
    ]


def test_lyrics_of_a_track_listeners_cannot_see_are_not_found(artist, owner, stranger):
    hidden = TrackFactory(album=AlbumFactory(artist=artist, status=Album.Status.DRAFT), duration_ms=60_000)
    lyrics_save(track=hidden, by=owner, lines=SYNCED, state="published")

    assert client_for(stranger).get(url(hidden, "/")).status_code == 404
    assert client_for(owner).get(url(hidden, "/")).status_code == 200
    # Published with the track: they show once its album is.
    Album.objects.filter(pk=hidden.album_id).update(status=Album.Status.PUBLISHED)
    assert client_for(stranger).get(url(hidden, "/")).json()["lines"] == SYNCED


def test_no_lyrics_is_404(track, stranger):
    assert client_for(stranger).get(url(track, "/")).status_code == 404


def test_a_member_saves_a_draft_and_publishes_it(track, editor, stranger):
    api = client_for(editor)
    saved = api.put(url(track, "/"), {"lines": SYNCED, "language": "pt-BR"}, format="json")
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["state"], saved.json()["synced"], saved.json()["source"]) == ("draft", True, "editor")
    assert client_for(stranger).get(url(track, "/")).status_code == 404

    published = api.post(url(track, "/publish/"))
    assert published.status_code == 200
    assert client_for(stranger).get(url(track, "/")).json()["language"] == "pt-BR"
    assert list(Lyrics.objects.filter(track=track).values_list("state", flat=True)) == ["published"]
    assert api.post(url(track, "/publish/")).status_code == 400  # no draft left


def test_an_lrc_body_is_read_into_lines(track, owner):
    lrc = "[la:fr]\n[au:Jo]\n[00:01.00]Un\n[00:02.50]Deux\n"
    saved = client_for(owner).put(url(track, "/"), {"lrc": lrc}, format="json").json()
    assert saved["lines"] == [{"start_ms": 1000, "text": "Un"}, {"start_ms": 2500, "text": "Deux"}]
    assert (saved["language"], saved["written_by"], saved["source"]) == ("fr", "Jo", "lrc")


def test_strangers_may_not_write(track, stranger, owner):
    assert client_for(stranger).put(url(track, "/"), {"lines": SYNCED}, format="json").status_code == 403
    assert client_for(None).put(url(track, "/"), {"lines": SYNCED}, format="json").status_code in (401, 403)
    lyrics_save(track=track, by=owner, lines=SYNCED)
    assert client_for(stranger).post(url(track, "/publish/")).status_code == 403
    assert client_for(stranger).delete(url(track, "/?state=draft")).status_code == 403
    assert Lyrics.objects.filter(track=track).count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [{"start_ms": 5000, "text": "b"}, {"start_ms": 2000, "text": "a"}],
            "Line 2 starts at 00:02.00, before line 1",
        ),
        ([{"start_ms": 61_000, "text": "late"}], "Line 1 starts at 01:01.00, after the track ends (01:00.00)."),
        ([{"start_ms": 1000, "text": "a"}, {"start_ms": None, "text": "b"}], "some lines have a time and others not"),
        ([{"start_ms": -5, "text": "a"}], "Line 1 starts before zero"),
    ],
)
def test_bad_lines_are_refused_with_the_line_named_and_nothing_written(track, owner, lines, message):
    lyrics_save(track=track, by=owner, lines=SYNCED)
    answer = client_for(owner).put(url(track, "/"), {"lines": lines}, format="json")
    assert answer.status_code == 400
    assert message in str(answer.json())
    assert Lyrics.objects.get(track=track).lines == SYNCED


def test_too_many_lines_are_refused(track, owner):
    lines = [{"start_ms": None, "text": f"line {n}"} for n in range(1001)]
    assert client_for(owner).put(url(track, "/"), {"lines": lines}, format="json").status_code == 400
    assert not Lyrics.objects.exists()


def test_delete_and_export(track, owner, stranger):
    lyrics_save(track=track, by=owner, lines=SYNCED, language="en", state="published")
    exported = client_for(stranger).get(url(track, ".lrc"))
    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/plain; charset=utf-8"
    assert exported.content.decode() == (
        f"[ti:{track.title}]\n[ar:{track.artist.name}]\n[la:en]\n[00:01.00]First light\n[00:04.50]Over the water\n"
    )
    assert client_for(stranger).get(url(track, ".lrc?state=draft")).status_code == 404
    assert client_for(owner).delete(url(track, "/?state=published")).status_code == 204
    assert client_for(stranger).get(url(track, "/")).status_code == 404
    assert client_for(owner).delete(url(track, "/?state=published")).status_code == 404


def test_a_third_party_app_needs_artist_read_for_drafts_and_artist_upload_to_write(track, owner):
    from tests.spotifyclone.test_scopes import bearer, third_party_token

    lyrics_save(track=track, by=owner, lines=SYNCED)
    reader = bearer(third_party_token(owner, "user-read-private"))
    assert reader.get(url(track, "/?state=draft")).status_code == 404  # read as an anonymous visitor
    assert reader.put(url(track, "/"), {"lines": SYNCED}, format="json").status_code == 403
    member = bearer(third_party_token(owner, "artist-read", "artist-upload"))
    assert member.get(url(track, "/?state=draft")).json()["lines"] == SYNCED
    assert member.post(url(track, "/publish/")).status_code == 200


def test_the_admin_lists_lyrics_without_a_query_per_row(admin_client_, artist, owner, django_assert_max_num_queries):
    for _ in range(15):
        lyrics_save(track=TrackFactory(artist=artist), by=owner, lines=SYNCED)
    with django_assert_max_num_queries(10):
        response = admin_client_.get("/admin/catalog/lyrics/")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-state"') == 15
