"""The envelope, sign-in and its error codes, visibility, and where listeners find their secrets."""

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Album, Track
from playlists.services.playlists import playlist_create
from subsonic.models import SubsonicCredential
from subsonic.selectors import SubsonicSecrets
from subsonic.services import rating_set
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, TrackFactory
from tests.subsonic.conftest import Subsonic, token_params


def test_ping_answers_xml_by_default_with_the_opensubsonic_fields(client: Client, secrets: SubsonicSecrets) -> None:
    response = client.get("/rest/ping.view", token_params(secrets))

    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
    assert response["Content-Type"].startswith("application/xml")
    assert root.tag == "{http://subsonic.org/restapi}subsonic-response"
    assert root.attrib == {
        "status": "ok",
        "version": "1.16.1",
        "type": "spotifyclone",
        "serverVersion": "1.0",
        "openSubsonic": "true",
    }


def test_a_form_post_without_the_view_suffix_and_jsonp_answer_too(client: Client, secrets: SubsonicSecrets) -> None:
    posted = client.post("/rest/ping", {**token_params(secrets), "f": "json"})
    jsonp = client.get("/rest/ping", {**token_params(secrets), "f": "jsonp", "callback": "app.onPing"})
    bad_callback = client.get("/rest/ping", {**token_params(secrets), "f": "jsonp", "callback": "alert(1)//"})

    assert posted.json()["subsonic-response"]["status"] == "ok"
    assert jsonp.content.decode().startswith("app.onPing({")
    assert jsonp.content.decode().endswith("});")
    assert json.loads(bad_callback.content)["subsonic-response"]["status"] == "ok"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"v": "1.16.1"}, 10),
        ({"u": "ada", "v": "1.16.1"}, 10),
        ({"u": "ada", "t": "0" * 32, "s": "abc", "v": "0.9.0"}, 20),
        ({"u": "ada", "t": "0" * 32, "s": "abc", "v": "1.99.0"}, 30),
        ({"u": "ada", "t": "0" * 32, "s": "abc", "v": "1.16.1"}, 40),
        ({"u": "ada", "p": "wrong", "v": "1.16.1"}, 40),
        ({"apiKey": "nope", "v": "1.16.1"}, 44),
        ({"apiKey": "nope", "u": "ada", "v": "1.16.1"}, 43),
        ({"u": "ada", "p": "x", "t": "0" * 32, "s": "abc", "v": "1.16.1"}, 43),
    ],
)
def test_each_refusal_has_the_spec_code_with_http_200(
    client: Client, secrets: SubsonicSecrets, params: dict[str, str], code: int
) -> None:
    response = client.get("/rest/ping", {**params, "f": "json"})

    assert response.status_code == 200
    assert response.json()["subsonic-response"]["status"] == "failed"
    assert response.json()["subsonic-response"]["error"]["code"] == code


def test_an_authorization_header_alone_is_a_mechanism_not_supported(client: Client) -> None:
    response = client.get("/rest/ping", {"f": "json"}, HTTP_AUTHORIZATION="Bearer abc")

    assert response.json()["subsonic-response"]["error"]["code"] == 42


def test_the_legacy_password_plain_and_hex_encoded_signs_in(client: Client, secrets: SubsonicSecrets) -> None:
    plain = client.get("/rest/ping", {"u": "ada", "p": secrets.password, "f": "json"})
    encoded = client.get("/rest/ping", {"u": "ada", "p": "enc:" + secrets.password.encode().hex(), "f": "json"})

    assert plain.json()["subsonic-response"]["status"] == "ok"
    assert encoded.json()["subsonic-response"]["status"] == "ok"


def test_the_account_password_is_not_the_subsonic_password(client: Client, secrets: SubsonicSecrets) -> None:
    response = client.get("/rest/ping", {"u": "ada", "p": "password", "f": "json"})

    assert response.json()["subsonic-response"]["error"]["code"] == 40


def test_failed_sign_ins_lock_the_account_out_as_on_the_website(
    client: Client, secrets: SubsonicSecrets, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.get("/rest/ping", {"u": "ada", "p": "wrong", "f": "json"})

    locked = client.get("/rest/ping", {"u": "ada", "p": secrets.password, "f": "json"})
    website = client.post("/accounts/login/", {"username": "ada", "password": "password"})

    assert locked.status_code == 200
    assert locked.json()["subsonic-response"]["error"] == {
        "code": 40,
        "message": "Too many failed sign-in attempts. Try again later.",
    }
    assert website.status_code == 429


def test_a_successful_sign_in_clears_the_failures_as_on_the_website(
    client: Client, secrets: SubsonicSecrets, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        client.get("/rest/ping", {"u": "ada", "p": "wrong", "f": "json"})
    client.get("/rest/ping", {"u": "ada", "p": secrets.password, "f": "json"})
    for _ in range(2):
        client.get("/rest/ping", {"u": "ada", "p": "wrong", "f": "json"})

    after = client.get("/rest/ping", {"u": "ada", "p": secrets.password, "f": "json"})

    assert after.json()["subsonic-response"]["status"] == "ok"


def test_drafts_and_others_private_playlists_stay_invisible(subsonic: Subsonic, track: Track, owner: User) -> None:
    draft = Album.objects.create(artist=track.artist, title="Unreleased", slug="unreleased")
    Track.objects.filter(pk=track.pk).update(album=draft)
    private = playlist_create(owner=UserFactory(), name="Secret", visibility="private")
    public = playlist_create(owner=UserFactory(), name="Shared")

    assert subsonic.error("getAlbum", id=f"al-{draft.pk}") == 70
    assert subsonic.error("getSong", id=f"tr-{track.pk}") == 70
    listed = subsonic.ok("getAlbumList2", type="alphabeticalByName")["albumList2"]["album"]
    assert [album["name"] for album in listed] == ["Northern Lights"]
    assert subsonic.error("getPlaylist", id=f"pl-{private.pk}") == 70
    assert subsonic.ok("getPlaylist", id=f"pl-{public.pk}")["playlist"]["name"] == "Shared"
    assert subsonic.error("getSong", id=f"al-{draft.pk}") == 70  # an id of another kind is no song
    assert subsonic.error("deletePlaylist", id=f"pl-{public.pk}") == 50


def test_the_account_page_shows_how_to_connect_and_resets_the_secrets(client: Client, listener: User) -> None:
    client.force_login(listener)
    settings_page = client.get("/accounts/settings/")
    before = client.get("/accounts/music-apps/")
    made_by_a_get = SubsonicCredential.objects.filter(user=listener).exists()

    client.post("/accounts/music-apps/")
    page = client.get("/accounts/music-apps/")
    password = page.context["secrets"].password
    client.post("/accounts/music-apps/")
    after = client.get("/accounts/music-apps/")

    assert b"/accounts/music-apps/" in settings_page.content
    assert b"Create my app password" in before.content
    assert made_by_a_get is False
    assert password.encode() in page.content
    assert b'data-copy="subsonic-password"' in page.content
    assert b"http://testserver" in page.content
    assert after.context["secrets"].password != password
    assert (
        client.get("/rest/ping", {"u": "ada", "p": password, "f": "json"}).json()["subsonic-response"]["error"]["code"]
        == 40
    )


def test_the_api_shows_and_resets_the_secrets(client: Client, listener: User) -> None:
    client.force_login(listener)
    before = client.get("/api/v1/me/subsonic/").json()
    made_by_a_get = SubsonicCredential.objects.filter(user=listener).exists()
    made = client.post("/api/v1/me/subsonic/").json()
    shown = client.get("/api/v1/me/subsonic/").json()
    reset = client.post("/api/v1/me/subsonic/").json()

    assert before == {"username": "ada", "password": None, "api_key": None}
    assert made_by_a_get is False
    assert shown == made
    assert shown["username"] == "ada"
    assert reset["password"] != shown["password"]
    assert reset["api_key"] != shown["api_key"]
    assert (
        client.get("/rest/ping", {"apiKey": reset["api_key"], "f": "json"}).json()["subsonic-response"]["status"]
        == "ok"
    )


def test_highest_orders_every_rated_album_before_paging(subsonic: Subsonic, listener: User) -> None:
    ratings = {"Aurora": 2, "Borealis": 5, "Cirrus": 4, "Drift": 1}
    for title, rating in ratings.items():
        album = AlbumFactory(title=title, status=Album.Status.PUBLISHED)
        TrackFactory(album=album)
        rating_set(user=listener, item=f"al-{album.pk}", rating=rating)

    pages = [
        [
            row["name"]
            for row in subsonic.ok("getAlbumList2", type="highest", size=2, offset=offset)["albumList2"]["album"]
        ]
        for offset in (0, 2)
    ]

    assert pages == [["Borealis", "Cirrus"], ["Aurora", "Drift"]]


def test_recent_albums_are_those_of_the_listening_history(subsonic: Subsonic, listener: User) -> None:
    from tests.streaming.factories import PlayFactory

    albums = {title: AlbumFactory(title=title, status=Album.Status.PUBLISHED) for title in ("Long", "Short", "Skip")}
    tracks = {title: TrackFactory(album=album, duration_ms=22_000) for title, album in albums.items()}
    Track.objects.filter(pk=tracks["Long"].pk).update(duration_ms=240_000)
    PlayFactory(user=listener, track=tracks["Long"], ms_played=40_000, counted=True, ended=False)
    PlayFactory(user=listener, track=tracks["Short"], ms_played=22_000, counted=False, ended=True)  # heard to its end
    PlayFactory(user=listener, track=tracks["Skip"], ms_played=9_000, counted=False, ended=False)

    listed = subsonic.ok("getAlbumList2", type="recent")["albumList2"]["album"]

    assert sorted(row["name"] for row in listed) == ["Long", "Short"]
