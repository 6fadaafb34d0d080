"""The playlist, library and profile pages, with and without JavaScript."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from catalog.models import Album
from playlists.models import MAX_ITEMS, Playlist, PlaylistItem
from playlists.services.items import playlist_items_add
from playlists.services.library import tracks_like
from playlists.services.playlists import playlist_create, playlist_share_revoke
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.playlists.factories import items_bulk

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_the_playlist_page_lists_tracks_in_order_with_the_editors_controls(as_alice, alice, playlist, tracks):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[1].pk, tracks[0].pk])

    html = page(as_alice, reverse("playlists:detail", args=[playlist.pk]))

    assert html.index("Song 2") < html.index("Song 1")
    assert "data-tracklist" in html
    assert html.count('data-action="play"') == 2
    assert html.count('data-move="up"') == 2
    assert "data-editable" in html
    assert "Edit details" in html


def test_a_stranger_sees_a_public_playlist_without_editing_it(client, eve, alice, playlist, tracks):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk])
    client.force_login(eve)

    html = page(client, reverse("playlists:detail", args=[playlist.pk]))

    assert "Song 1" in html
    assert 'data-move="up"' not in html
    assert "data-editable" not in html
    assert ">Follow<" in html
    page(client, reverse("playlists:edit", args=[playlist.pk]), status=403)


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_hidden_playlist_pages_are_not_found_by_strangers(client, eve, alice, visibility):
    playlist = playlist_create(owner=alice, name="Hidden", visibility=visibility)
    url = reverse("playlists:detail", args=[playlist.pk])

    page(client, url, status=404)
    client.force_login(eve)
    page(client, url, status=404)
    page(client, reverse("playlists:edit", args=[playlist.pk]), status=404)
    assert client.post(reverse("playlists:delete", args=[playlist.pk])).status_code == 404
    assert Playlist.objects.filter(pk=playlist.pk).exists()


def test_an_unlisted_playlist_page_opens_by_its_link_until_it_is_revoked(client, alice):
    playlist = playlist_create(owner=alice, name="Only for friends", visibility="unlisted")
    link = reverse("playlists:shared", args=[playlist.share_token])

    assert "Only for friends" in page(client, link)
    playlist_share_revoke(playlist=playlist, by=alice)
    page(client, link, status=404)


def test_a_collaborator_reorders_and_removes_but_does_not_edit_details(client, bob, shared_with_bob, tracks, alice):
    playlist_items_add(playlist=shared_with_bob, by=alice, track_ids=[t.pk for t in tracks[:3]])
    items = list(PlaylistItem.objects.filter(playlist=shared_with_bob).order_by("position"))
    client.force_login(bob)
    url = reverse("playlists:detail", args=[shared_with_bob.pk])
    assert 'data-move="up"' in page(client, url)

    moved = client.post(reverse("playlists:item_move", args=[shared_with_bob.pk, items[2].pk]), {"direction": "up"})
    assert moved.status_code == 302
    assert moved["Location"].endswith(f"#item-{items[2].pk}")
    client.post(reverse("playlists:item_remove", args=[shared_with_bob.pk, items[0].pk]))

    order = list(PlaylistItem.objects.filter(playlist=shared_with_bob).order_by("position"))
    assert [i.track_title for i in order] == ["Song 3", "Song 2"]
    page(client, reverse("playlists:edit", args=[shared_with_bob.pk]), status=403)


def test_unavailable_and_deleted_tracks_stay_on_the_page(as_alice, alice, playlist, tracks, album):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk, tracks[1].pk])
    tracks[1].delete()
    Album.objects.filter(pk=album.pk).update(status=Album.Status.UNPUBLISHED)

    html = page(as_alice, reverse("playlists:detail", args=[playlist.pk]))

    assert "Song 1" in html
    assert "Song 2" in html  # the deleted track, by its kept title
    assert html.count("Unavailable") == 2


def test_a_listener_makes_a_playlist_and_adds_a_track_without_javascript(as_alice, tracks):
    made = as_alice.post(reverse("playlists:create"), {"name": "Without JS", "visibility": "private"})
    playlist = Playlist.objects.get(name="Without JS")
    assert made["Location"] == reverse("playlists:detail", args=[playlist.pk])

    back = "/albums/1/"
    added = as_alice.post(
        reverse("playlists:track_add"), {"playlist": playlist.pk, "track": tracks[4].pk, "next": back}
    )
    assert added["Location"] == back
    assert [i.track_title for i in PlaylistItem.objects.filter(playlist=playlist)] == ["Song 5"]

    # A script asking for JSON gets JSON; elsewhere than this site is never a destination.
    scripted = as_alice.post(
        reverse("playlists:track_add"),
        {"playlist": playlist.pk, "track": tracks[5].pk, "next": "https://evil.example/"},
        HTTP_ACCEPT="application/json",
    )
    assert scripted.json()["message"] == "Added to “Without JS”."
    huge = as_alice.post(reverse("playlists:track_add"), {"playlist": playlist.pk, "track": 10**20})
    assert huge.status_code == 302
    assert as_alice.post(reverse("playlists:item_remove", args=[playlist.pk, 10**20])).status_code == 302
    odd = as_alice.post(reverse("playlists:track_add"), {"playlist": "x", "next": "https://evil.example/"})
    assert odd.status_code == 302
    assert odd["Location"] == reverse("playlists:library")


def test_the_add_menu_lists_my_playlists_from_the_cache(as_alice, alice, tracks, django_assert_max_num_queries):
    playlist_create(owner=alice, name="Zebra")
    playlist_create(owner=alice, name="Apple")
    playlist = playlist_create(owner=alice, name="Mango")
    playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in tracks])

    html = page(as_alice, reverse("playlists:detail", args=[playlist.pk]))

    assert html.count('<option value="') == 3 * len(tracks) + 2  # and the footer's two languages
    assert html.index(">Apple</option>") < html.index(">Mango</option>") < html.index(">Zebra</option>")


def test_a_like_shows_on_the_next_request(as_alice, alice, tracks):
    liked_page = reverse("playlists:library_tracks")
    assert "Song 3" not in page(as_alice, liked_page)

    response = as_alice.post(reverse("playlists:like", args=[tracks[2].pk]), {"action": "like"})
    assert response.status_code == 302

    html = page(as_alice, liked_page)
    assert "Song 3" in html
    assert 'value="unlike" class="icon-button like" aria-pressed="true"' in html
    assert "1 track" in page(as_alice, reverse("playlists:library"))

    scripted = as_alice.post(
        reverse("playlists:like", args=[tracks[2].pk]), {"action": "unlike"}, HTTP_ACCEPT="application/json"
    )
    assert scripted.json() == {"liked": False}
    assert "Song 3" not in page(as_alice, liked_page)


def test_like_state_shows_on_every_track_row(as_alice, alice, playlist, tracks):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[t.pk for t in tracks[:3]])
    page(as_alice, reverse("playlists:detail", args=[playlist.pk]))  # fills the cache
    tracks_like(user=alice, track_ids=[tracks[1].pk])

    html = page(as_alice, reverse("playlists:detail", args=[playlist.pk]))

    assert html.count('value="unlike" class="icon-button like" aria-pressed="true"') == 1
    assert html.count('value="like" class="icon-button like" aria-pressed="false"') == 2


def test_the_library_pages(as_alice, alice, eve, tracks, album):
    theirs = playlist_create(owner=eve, name="Eve's mix")
    as_alice.post(reverse("playlists:follow", args=[theirs.pk]), {"action": "follow"})
    as_alice.post(reverse("playlists:album_save", args=[album.pk]))
    as_alice.post(reverse("playlists:artist_follow", args=[album.artist.pk]))
    playlist_create(owner=alice, name="Mine")

    library = page(as_alice, reverse("playlists:library"))
    assert "Eve&#x27;s mix" in library
    assert "Mine" in library
    assert "Northern Lights" in page(as_alice, reverse("playlists:library_albums"))
    assert album.artist.name in page(as_alice, reverse("playlists:library_artists"))
    assert "What you listen to shows here" in page(as_alice, reverse("playlists:library_recent"))
    assert Playlist.objects.get(pk=theirs.pk).follower_count == 1


def test_library_pages_ask_for_a_login(client):
    response = client.get(reverse("playlists:library"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_profile_shows_public_playlists_only(client, alice):
    playlist_create(owner=alice, name="For everyone")
    playlist_create(owner=alice, name="Just me", visibility="private")
    playlist_create(owner=alice, name="Friends", visibility="unlisted")

    html = page(client, reverse("playlists:profile", args=["alice"]))

    assert "For everyone" in html
    assert "Just me" not in html
    assert "Friends" not in html
    page(client, reverse("playlists:profile", args=["nobody"]), status=404)


def test_the_owner_edits_details_shares_and_invites(as_alice, alice, bob, playlist):
    url = reverse("playlists:edit", args=[playlist.pk])
    assert "Share link" in page(as_alice, url)

    saved = as_alice.post(url, {"name": "Renamed", "description": "New", "visibility": "unlisted"})
    assert saved.status_code == 302
    playlist.refresh_from_db()
    assert (playlist.name, playlist.visibility, playlist.collaborative) == ("Renamed", "unlisted", False)

    as_alice.post(reverse("playlists:collaborator_add", args=[playlist.pk]), {"user": "bob"})
    playlist.refresh_from_db()
    assert not playlist.collaborative  # nobody collaborates before accepting
    assert "bob" in page(as_alice, url)  # among the invitations waiting for an answer
    client = Client()
    client.force_login(bob)
    client.post(reverse("playlists:invitation_answer", args=[bob.playlist_invitations.get().pk]), {"answer": "accept"})
    playlist.refresh_from_db()
    assert playlist.collaborative
    assert list(playlist.collaborators.all()) == [bob]

    old = playlist.share_token
    as_alice.post(reverse("playlists:share", args=[playlist.pk]), {"action": "renew"})
    playlist.refresh_from_db()
    assert playlist.share_token not in {None, old}

    refused = as_alice.post(url, {"name": "", "visibility": "nope"})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()


@pytest.mark.parametrize("length", [10, MAX_ITEMS])
def test_the_playlist_page_query_count_does_not_grow(
    as_alice, alice, playlist, tracks, length, django_assert_max_num_queries
):
    artists = [ArtistFactory() for _ in range(3)]
    more = [TrackFactory(album=AlbumFactory(artist=a, status="published")) for a in artists for _ in range(3)]
    items_bulk(playlist, tracks + more, repeat=max(1, length // (len(tracks) + len(more))))
    url = reverse("playlists:detail", args=[playlist.pk])
    page(as_alice, url)  # the listener's likes and playlists are cached from here on

    with django_assert_max_num_queries(9):
        page(as_alice, url)
    with django_assert_max_num_queries(9):
        page(as_alice, url + "?page=50")


def test_album_and_artist_buttons_show_the_library_state(as_alice, alice, album, rf):
    request = rf.get("/albums/1/")
    request.user = alice
    before = render_to_string("playlists/_album_save.html", {"album": album, "request": request})
    assert "Save to library" in before

    as_alice.post(reverse("playlists:album_save", args=[album.pk]), {"action": "save"})
    as_alice.post(reverse("playlists:artist_follow", args=[album.artist.pk]), {"action": "follow"})

    request = rf.get("/albums/1/")
    request.user = alice
    assert ">Saved<" in render_to_string("playlists/_album_save.html", {"album": album, "request": request})
    html = render_to_string("playlists/_artist_follow.html", {"artist": album.artist, "request": request})
    assert ">Following<" in html


def test_the_owner_is_offered_no_copy_of_their_own_playlist_and_a_listener_is(client, alice, eve, tracks):
    playlist = playlist_create(owner=alice, name="Mine", visibility="public")
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk])

    client.force_login(alice)
    assert "Copy to my playlists" not in page(client, reverse("playlists:detail", args=[playlist.pk]))
    client.force_login(eve)
    assert "Copy to my playlists" in page(client, reverse("playlists:detail", args=[playlist.pk]))


def test_a_shared_unlisted_playlist_offers_no_copy_to_strangers(client, alice, eve, tracks):
    playlist = playlist_create(owner=alice, name="Link only", visibility="unlisted")
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk])
    client.force_login(eve)

    html = page(client, reverse("playlists:shared", args=[playlist.share_token]))

    assert "Link only" in html
    assert "Copy to my playlists" not in html
    assert ">Follow<" not in html


class UnreachableCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_pages_and_likes_work_while_the_cache_is_down(as_alice, alice, playlist, tracks, monkeypatch):
    playlist_items_add(playlist=playlist, by=alice, track_ids=[tracks[0].pk])
    monkeypatch.setattr("playlists.caching.cache", UnreachableCache())

    assert as_alice.post(reverse("playlists:like", args=[tracks[0].pk]), {"action": "like"}).status_code == 302
    html = page(as_alice, reverse("playlists:detail", args=[playlist.pk]))

    assert 'value="unlike" class="icon-button like" aria-pressed="true"' in html
    assert ">Road trip</option>" in html


def test_the_library_sorts_by_what_the_listener_picks(as_alice, alice):
    from rest_framework.test import APIClient

    from playlists.services.library import albums_save, artists_follow

    names = ["Mango", "apple", "Zebra"]  # saved in this order: the newest is Zebra
    for name in names:
        artist = ArtistFactory(name=f"{name} Band")
        album = AlbumFactory(artist=artist, title=f"{name} Record", status=Album.Status.PUBLISHED)
        track = TrackFactory(album=album, artist=artist, title=f"{name} Song")
        tracks_like(user=alice, track_ids=[track.pk])
        albums_save(user=alice, album_ids=[album.pk])
        artists_follow(user=alice, artist_ids=[artist.pk])
        playlist_create(owner=alice, name=f"{name} Mix")

    def order(url, suffix):
        page = as_alice.get(url).content.decode()
        main = page[page.index('<main id="main"') :]  # not the sidebar's list
        return sorted(names, key=lambda name: main.index(f"{name} {suffix}"))

    assert order("/library/tracks/", "Song") == ["Zebra", "apple", "Mango"]  # recently added first
    assert order("/library/tracks/?sort=title", "Song") == ["apple", "Mango", "Zebra"]  # letter case aside
    assert order("/library/albums/?sort=artist", "Record") == ["apple", "Mango", "Zebra"]
    assert order("/library/artists/?sort=name", "Band") == ["apple", "Mango", "Zebra"]
    assert order("/library/?sort=name", "Mix") == ["apple", "Mango", "Zebra"]
    assert order("/library/?sort=sideways", "Mix") == ["Zebra", "apple", "Mango"]  # unknown: the default
    page = as_alice.get("/library/albums/?sort=title").content.decode()
    assert '<a href="?sort=title" aria-current="true">Title</a>' in page
    sidebar = page[: page.index('<main id="main"')]
    assert sidebar.index("apple Mix") < sidebar.index("Mango Mix") < sidebar.index("Zebra Mix")  # by name, any case

    api = APIClient()
    api.force_authenticate(alice)
    titles = [row["track"]["title"] for row in api.get("/api/v1/me/tracks/", {"sort": "artist"}).json()["results"]]
    assert titles == ["apple Song", "Mango Song", "Zebra Song"]
    albums = [row["album"]["title"] for row in api.get("/api/v1/me/albums/", {"sort": "recent"}).json()["results"]]
    assert albums == ["Zebra Record", "apple Record", "Mango Record"]
    playlists = [row["name"] for row in api.get("/api/v1/me/playlists/", {"sort": "name"}).json()["results"]]
    assert playlists[:3] == ["apple Mix", "Mango Mix", "Zebra Mix"]
    refused = api.get("/api/v1/me/following/", {"sort": "shoe size"})
    assert refused.status_code == 400
    assert "sort" in refused.json()["error"]["details"]
