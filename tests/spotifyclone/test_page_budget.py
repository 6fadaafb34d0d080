"""No listener page runs more than a dozen SQL queries, however much the listener keeps."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from accounts.models import User
from catalog.models import Album, Genre
from playlists.services.items import playlist_items_add
from playlists.services.library import albums_save, artists_follow, tracks_like
from playlists.services.playlists import playlist_create, playlist_follow
from search.rebuild import search_rebuild
from streaming.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory

BUDGET = 12


def _listener_with(size: int) -> tuple[User, dict[str, str]]:
    """A listener who keeps ``size`` of everything, and the address of every page they can open."""
    genre, _ = Genre.objects.get_or_create(name="Ambient", slug="ambient")
    listener = UserFactory(username=f"keeper{size}")
    friend = UserFactory(username=f"friend{size}")
    albums = []
    for n in range(size):
        artist = ArtistFactory(name=f"Artist {size}-{n}")
        album = AlbumFactory(
            artist=artist, title=f"Record {size}-{n}", status=Album.Status.PUBLISHED, published_at=timezone.now()
        )
        album.genres.add(genre)
        for number in range(1, 4):
            TrackFactory(title=f"Song {size}-{n}-{number}", album=album, track_number=number, play_count=n + number)
        albums.append(album)
    track_ids = [track.pk for album in albums for track in album.tracks.all()]
    for start in range(0, len(track_ids), 50):  # the most one call takes
        tracks_like(user=listener, track_ids=track_ids[start : start + 50])
    albums_save(user=listener, album_ids=[album.pk for album in albums])
    artists_follow(user=listener, artist_ids=[album.artist_id for album in albums])
    mine = playlist_create(owner=listener, name=f"Mine {size}")
    for start in range(0, len(track_ids), 50):
        playlist_items_add(playlist=mine, by=listener, track_ids=track_ids[start : start + 50])
    for n in range(size):
        playlist_create(owner=listener, name=f"Another {size}-{n}")
        theirs = playlist_create(owner=friend, name=f"Theirs {size}-{n}", visibility="public")
        playlist_follow(playlist=theirs, user=listener)
    now = timezone.now()
    Play.objects.bulk_create(
        Play(user=listener, track_id=track_id, counted=True, started_at=now - timedelta(minutes=n))
        for n, track_id in enumerate(track_ids)
    )
    for n in range(size):  # apps the listener allowed, each with a token
        app = Application.objects.create(
            name=f"App {size}-{n}",
            client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="https://app.example.com/cb",
        )
        AccessToken.objects.create(
            user=listener, application=app, token=f"t-{size}-{n}", scope="streaming", expires=now + timedelta(hours=1)
        )
    search_rebuild()
    return listener, {
        "home": "/",
        "artist": f"/artists/{albums[0].artist.slug}/",
        "album": f"/albums/{albums[0].pk}/",
        "playlist": f"/playlists/{mine.pk}/",
        "genres": "/genres/",
        "genre": "/genres/ambient/",
        "new releases": "/new-releases/",
        "charts": "/charts/",
        "search": f"/search/?q=record+{size}",
        "library": "/library/",
        "liked songs": "/library/tracks/",
        "saved albums": "/library/albums/",
        "followed artists": "/library/artists/",
        "recently played": "/library/recent/",
        "profile": f"/users/{friend.username}/",
        "account": "/accounts/settings/",
        "connected apps": "/accounts/apps/",
    }


@pytest.mark.django_db
def test_every_listener_page_stays_within_a_dozen_queries(client: Any) -> None:
    counts: dict[int, dict[str, int]] = {}
    for size in (2, 25):
        listener, pages = _listener_with(size)
        client.force_login(listener)
        counts[size] = {}
        for name, url in pages.items():
            # The first visit to this page by a listener already signed in: nothing about the
            # page is cached, only the session and the listener's own lists, as they would be.
            cache.clear()
            client.get("/library/tracks/")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[size][name] = len(queries)
    over = {name: count for name, count in counts[25].items() if count > BUDGET}
    assert over == {}, f"pages over {BUDGET} queries: {over}"
    assert counts[25] == counts[2]  # nothing grows with what the listener keeps
