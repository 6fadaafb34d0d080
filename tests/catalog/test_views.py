"""The artists' studio, as a member uses it in the browser (without JavaScript)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from catalog.models import Album, Artist, ArtistMembership, Genre, Track
from catalog.synth import audio_synthesise
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, ArtistMembershipFactory, TrackFactory

pytestmark = pytest.mark.django_db

Role = ArtistMembership.Role


def png_upload(name: str = "cover.png", size: int = 320) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def audio_upload(tmp_path, name: str = "take-one.mp3", **tags: str) -> SimpleUploadedFile:
    path = audio_synthesise(tmp_path / name, seconds=2, fmt="mp3", seed=1, tags=tags or None)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="audio/mpeg")


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def owner():
    return UserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def artist(owner):
    return ArtistFactory(name="Aurora Fields", slug="aurora-fields", owner=owner)


@pytest.fixture
def editor(artist):
    return ArtistMembershipFactory(artist=artist, user=UserFactory(username="editor"), role=Role.EDITOR).user


@pytest.fixture
def album(artist):
    return AlbumFactory(artist=artist, title="Northern Lights", slug="northern-lights")


def _pages(artist: Artist, album: Album, track: Track) -> list[str]:
    return [
        reverse("studio:artist", args=[artist.slug]),
        reverse("studio:members", args=[artist.slug]),
        reverse("studio:upload", args=[artist.slug]),
        reverse("studio:track", args=[track.pk]),
        reverse("studio:track_lyrics", args=[track.pk]),
        reverse("studio:album", args=[album.pk]),
    ]


def test_every_studio_page_asks_for_a_login(client, artist, album):
    track = TrackFactory(album=album, track_number=1)

    for url in [reverse("studio:home"), *_pages(artist, album, track)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_a_stranger_finds_nothing_of_another_artist_even_when_it_is_published(client, artist, album):
    album.status = Album.Status.PUBLISHED
    album.save()
    track = TrackFactory(album=album, track_number=1)
    client.force_login(UserFactory())

    for url in _pages(artist, album, track):
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("studio:album_publish", args=[album.pk]),
        reverse("studio:album_delete", args=[album.pk]),
        reverse("studio:track_delete", args=[track.pk]),
        reverse("studio:members", args=[artist.slug]),
    ]
    for url in posts:
        assert client.post(url, {"user": "stranger@example.com", "role": "owner"}).status_code == 404, url
    assert Album.objects.filter(pk=album.pk, status=Album.Status.PUBLISHED).exists()
    assert Track.objects.filter(pk=track.pk).exists()
    assert artist.memberships.count() == 1


def test_studio_home_lists_my_artists_with_my_role(client, owner, artist, editor):
    ArtistMembershipFactory(artist=ArtistFactory(name="The Beatels"), user=owner, role=Role.EDITOR)
    ArtistFactory(name="Somebody Else")
    client.force_login(owner)

    response = client.get(reverse("studio:home"))

    html = page(response)
    assert "Aurora Fields" in html
    assert "The Beatels" in html
    assert "Somebody Else" not in html
    artists = [(a.name, role) for a, role, _picture in response.context["artists"]]
    assert artists == [("Aurora Fields", "Owner"), ("The Beatels", "Editor")]


def test_create_an_artist_and_own_it(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("studio:home"), {"name": "Kofi & the Night Bus", "bio": "Late-night jazz."})

    artist = Artist.objects.get(name="Kofi & the Night Bus")
    assert response.status_code == 302
    assert response["Location"] == reverse("studio:artist", args=[artist.slug])
    assert artist.slug == "kofi-the-night-bus"
    assert artist.bio == "Late-night jazz."
    assert list(artist.memberships.values_list("user_id", "role")) == [(user.pk, "owner")]


def test_an_artist_needs_a_name(client):
    client.force_login(UserFactory())

    response = client.post(reverse("studio:home"), {"name": "", "bio": "No name"})

    assert response.status_code == 200
    assert "This field is required." in page(response)
    assert not Artist.objects.exists()


def test_an_editor_edits_the_artist_page_and_its_picture(client, artist, editor):
    client.force_login(editor)

    response = client.post(
        reverse("studio:artist", args=[artist.slug]),
        {"name": "Aurora Fields (band)", "bio": "Synth pop.", "picture": png_upload()},
        follow=True,
    )

    artist.refresh_from_db()
    assert (artist.name, artist.bio) == ("Aurora Fields (band)", "Synth pop.")
    assert artist.image.name.endswith("/640.jpg")
    assert "The artist page is saved." in page(response)
    assert artist.image.name.replace("640.jpg", "300.jpg") in page(response)


def test_a_picture_that_is_not_an_image_is_a_form_error(client, owner, artist):
    client.force_login(owner)

    response = client.post(
        reverse("studio:artist", args=[artist.slug]),
        {"name": "Renamed", "bio": "", "picture": SimpleUploadedFile("me.png", b"not an image")},
    )

    assert response.status_code == 200
    assert "The file is not an image we can read (JPEG, PNG or WebP)." in page(response)
    artist.refresh_from_db()
    assert (artist.name, artist.image.name) == ("Aurora Fields", "")


def test_upload_real_audio_without_javascript(client, owner, artist, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(owner)
    upload_url = reverse("studio:upload", args=[artist.slug])
    assert 'accept="audio/*,.lrc"' in page(client.get(upload_url))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url, {"file": [audio_upload(tmp_path, title="Polar Night")]}, follow=True)

    track = Track.objects.get()
    assert (track.title, track.status, track.artist, track.uploaded_by) == ("Polar Night", "ready", artist, owner)
    assert 1900 <= track.duration_ms <= 2100
    html = page(response)
    assert "take-one.mp3: uploaded; it is being checked and processed." in html
    assert reverse("studio:track", args=[track.pk]) in html  # listed among the recent uploads


def test_upload_of_a_text_file_fails_with_a_reason_and_keeps_no_file(
    client, owner, artist, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    notes = SimpleUploadedFile("notes.txt", b"these are not sounds " * 100, content_type="text/plain")
    upload_url = reverse("studio:upload", args=[artist.slug])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload_url, {"file": [notes, audio_upload(tmp_path, title="Kept")]})

    assert list(Track.objects.order_by("title").values_list("title", "status", "original")) == [
        ("Kept", "ready", Track.objects.get(title="Kept").original.name),
        ("notes", "failed", ""),
    ]
    html = page(client.get(upload_url))
    assert "not an audio format we accept" in html  # the reason, among the recent uploads


def test_upload_without_a_file_says_so(client, owner, artist):
    client.force_login(owner)

    response = client.post(reverse("studio:upload", args=[artist.slug]), {}, follow=True)

    assert "Choose one audio file at least." in page(response)


def test_a_file_refused_while_it_arrives_is_named(client, owner, artist, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(owner)
    big = SimpleUploadedFile("huge.wav", b"\0" * (settings.UPLOAD_MAX_BYTES + 1))

    response = client.post(reverse("studio:upload", args=[artist.slug]), {"file": [big]}, follow=True)

    assert "huge.wav: The file is larger than 1 MB." in page(response)
    assert not Track.objects.exists()


def test_the_lyrics_editor_has_the_tracks_waveform_and_its_lyrics_addresses(client, editor, artist):
    from streaming.models import TrackMedia

    track = TrackFactory(artist=artist, title="Glass Fjord", duration_ms=184_000)
    client.force_login(editor)
    assert f'href="{reverse("studio:track_lyrics", args=[track.pk])}"' in page(
        client.get(reverse("studio:track", args=[track.pk]))
    )

    before = client.get(reverse("studio:track_lyrics", args=[track.pk]))
    assert before.status_code == 200
    assert '<script id="lyrics-waveform" type="application/json">[]</script>' in page(before)
    assert "The waveform shows once the track has been processed." in page(before)

    TrackMedia.objects.create(
        track=track,
        version="v1",
        duration_ms=184_000,
        loudness_lufs=-14.0,
        true_peak_dbtp=-1.0,
        loudness_range_lu=6.0,
        waveform=[0, 128, 255, 64],
    )
    after = page(client.get(reverse("studio:track_lyrics", args=[track.pk])))
    assert '<script id="lyrics-waveform" type="application/json">[0, 128, 255, 64]</script>' in after
    assert f'data-lyrics-url="/api/v1/tracks/{track.pk}/lyrics/"' in after
    assert f'data-publish-url="/api/v1/tracks/{track.pk}/lyrics/publish/"' in after
    assert 'data-duration-ms="184000"' in after
    assert "The waveform shows" not in after


def test_edit_a_track(client, editor, artist):
    track = TrackFactory(artist=artist, title="Untitled")
    guest = ArtistFactory(name="Guest Star")
    client.force_login(editor)

    response = client.post(
        reverse("studio:track", args=[track.pk]),
        {
            "title": "Glass Fjord",
            "explicit": "on",
            "isrc": "us-rc1-76-07839",
            "year": "2025",
            "genres": "Electronic, pop, electronic",
            "featured_artists": "guest star",
        },
        follow=True,
    )

    track.refresh_from_db()
    assert (track.title, track.explicit, track.isrc, track.year) == ("Glass Fjord", True, "USRC17607839", 2025)
    assert sorted(track.genres.values_list("name", flat=True)) == ["Electronic", "pop"]
    assert list(track.featured_artists.all()) == [guest]
    assert "“Glass Fjord” is saved." in page(response)


def test_track_form_errors_are_shown(client, owner, artist):
    track = TrackFactory(artist=artist, title="Untitled")
    client.force_login(owner)

    response = client.post(
        reverse("studio:track", args=[track.pk]),
        {"title": "New", "isrc": "nope", "featured_artists": "Nobody At All"},
    )

    html = page(response)
    assert "There is no artist called “Nobody At All” in the catalog." in html
    response = client.post(reverse("studio:track", args=[track.pk]), {"title": "New", "isrc": "nope"})
    assert "An ISRC has 12 characters, like USRC17607839." in page(response)
    track.refresh_from_db()
    assert track.title == "Untitled"


def test_a_failed_track_shows_why_and_can_be_processed_again(client, owner, artist, django_capture_on_commit_callbacks):
    track = TrackFactory(artist=artist, status=Track.Status.FAILED, failure_reason="The encoder gave up.")
    client.force_login(owner)

    html = page(client.get(reverse("studio:track", args=[track.pk])))
    assert "The encoder gave up." in html
    assert reverse("studio:track_reprocess", args=[track.pk]) in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:track_reprocess", args=[track.pk]))

    track.refresh_from_db()
    # The original of a factory track is only a name, so processing fails again, with the reason.
    assert (track.status, track.failure_reason) == ("failed", "The uploaded file is missing from storage.")


def test_delete_a_track(client, owner, artist, django_capture_on_commit_callbacks):
    track = TrackFactory(artist=artist)
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("studio:track_delete", args=[track.pk]))

    assert response["Location"] == reverse("studio:artist", args=[artist.slug])
    assert not Track.objects.exists()


def test_create_an_album(client, editor, artist):
    client.force_login(editor)

    response = client.post(
        reverse("studio:album_create", args=[artist.slug]),
        {
            "title": "Snowglobe",
            "album_type": "single",
            "release_date": "2026-01-09",
            "label": "Demo Records",
            "upc": "012345678905",
            "genres": "Pop",
        },
    )

    album = Album.objects.get()
    assert response["Location"] == reverse("studio:album", args=[album.pk])
    assert (album.title, album.album_type, str(album.release_date), album.upc) == (
        "Snowglobe",
        "single",
        "2026-01-09",
        "012345678905",
    )
    assert album.status == Album.Status.DRAFT
    assert list(album.genres.values_list("name", flat=True)) == ["Pop"]


def test_a_bad_album_form_comes_back_on_the_dashboard(client, owner, artist):
    client.force_login(owner)

    response = client.post(reverse("studio:album_create", args=[artist.slug]), {"title": "X", "upc": "12"})

    assert response.status_code == 200
    assert "A UPC has 12 to 14 digits." in page(response)
    assert not Album.objects.exists()


def test_the_dashboard_shows_albums_of_every_status_and_the_uploads(client, owner, artist):
    AlbumFactory(artist=artist, title="Draft One")
    AlbumFactory(artist=artist, title="Out Now", status=Album.Status.PUBLISHED)
    TrackFactory(artist=artist, title="Loose Track", duration_ms=187_000)
    TrackFactory(title="Someone else's")
    client.force_login(owner)

    html = page(client.get(reverse("studio:artist", args=[artist.slug])))

    assert "Draft One" in html
    assert "Out Now" in html
    assert '<span class="badge badge-published">Published</span>' in html
    assert '<span class="badge badge-draft">Draft</span>' in html
    assert "Loose Track" in html
    assert "3:07" in html
    assert "Someone else&#x27;s" not in html


def test_add_tracks_to_an_album(client, owner, artist, album):
    first, second = TrackFactory(artist=artist, title="One"), TrackFactory(artist=artist, title="Two")
    elsewhere = TrackFactory(title="Not ours")
    client.force_login(owner)
    assert "Not ours" not in page(client.get(reverse("studio:album", args=[album.pk])))

    client.post(
        reverse("studio:album_tracks_add", args=[album.pk]), {"tracks": [second.pk, first.pk], "disc_number": 1}
    )
    response = client.post(
        reverse("studio:album_tracks_add", args=[album.pk]), {"tracks": [elsewhere.pk], "disc_number": 1}
    )

    assert response.status_code == 200  # not one of the choices
    assert list(album.tracks.order_by("track_number").values_list("title", flat=True)) == ["One", "Two"]
    elsewhere.refresh_from_db()
    assert elsewhere.album is None


def _running_order(album: Album) -> list[tuple[int, int, str]]:
    return list(
        album.tracks.order_by("disc_number", "track_number").values_list("disc_number", "track_number", "title")
    )


def test_reorder_with_the_up_and_down_buttons(client, editor, artist, album):
    for number, title in enumerate(["A", "B", "C"], start=1):
        TrackFactory(album=album, title=title, track_number=number)
    closing = TrackFactory(album=album, title="D", disc_number=2, track_number=1)
    by_title = {t.title: t.pk for t in album.tracks.all()}
    move = reverse("studio:album_track_move", args=[album.pk])
    client.force_login(editor)

    response = client.post(move, {"track": by_title["C"], "direction": "up"})
    assert response["Location"] == reverse("studio:album", args=[album.pk]) + f"#track-{by_title['C']}"
    assert _running_order(album) == [(1, 1, "A"), (1, 2, "C"), (1, 3, "B"), (2, 1, "D")]

    client.post(move, {"track": by_title["A"], "direction": "up"})  # already first: nothing moves
    assert _running_order(album) == [(1, 1, "A"), (1, 2, "C"), (1, 3, "B"), (2, 1, "D")]

    client.post(move, {"track": closing.pk, "direction": "up"})  # first of disc 2: to the end of disc 1
    assert _running_order(album) == [(1, 1, "A"), (1, 2, "C"), (1, 3, "B"), (1, 4, "D")]

    client.post(move, {"track": by_title["A"], "direction": "down"})
    assert _running_order(album) == [(1, 1, "C"), (1, 2, "A"), (1, 3, "B"), (1, 4, "D")]

    response = client.post(move, {"track": TrackFactory(artist=artist).pk, "direction": "down"}, follow=True)
    assert "That track is not on this album." in page(response)


def test_remove_a_track_from_the_album(client, owner, artist, album):
    first = TrackFactory(album=album, title="A", track_number=1)
    TrackFactory(album=album, title="B", track_number=2)
    client.force_login(owner)

    client.post(reverse("studio:album_track_remove", args=[album.pk, first.pk]))

    assert _running_order(album) == [(1, 1, "B")]
    first.refresh_from_db()
    assert first.album is None


def test_publish_is_refused_without_artwork_then_works_with_it(client, owner, artist, album):
    TrackFactory(album=album, track_number=1)
    client.force_login(owner)

    response = client.post(reverse("studio:album_publish", args=[album.pk]), follow=True)

    assert "An album needs artwork before it is published." in page(response)
    album.refresh_from_db()
    assert album.status == Album.Status.DRAFT

    response = client.post(reverse("studio:album_artwork", args=[album.pk]), {"image": png_upload()}, follow=True)
    assert "The artwork is saved." in page(response)
    response = client.post(reverse("studio:album_publish", args=[album.pk]), follow=True)

    album.refresh_from_db()
    assert album.status == Album.Status.PUBLISHED
    assert "“Northern Lights” is published." in page(response)
    assert '<span class="badge badge-published">Published</span>' in page(response)


def test_refused_artwork_is_a_form_error(client, owner, album):
    client.force_login(owner)

    response = client.post(reverse("studio:album_artwork", args=[album.pk]), {"image": png_upload(size=32)})

    assert response.status_code == 200
    assert "The image is 32×32 pixels; each side needs 64 at least." in page(response)


def test_schedule_and_unpublish(client, owner, artist, album):
    album.artwork.name = "albums/x/640.jpg"
    album.save()
    TrackFactory(album=album, track_number=1)
    client.force_login(owner)
    schedule = reverse("studio:album_schedule", args=[album.pk])

    response = client.post(schedule, {"release_at": "2001-01-01T10:00"}, follow=True)
    assert "A release must be scheduled in the future." in page(response)

    later = timezone.localtime() + timedelta(days=3)
    client.post(schedule, {"release_at": later.strftime("%Y-%m-%dT%H:%M")})
    album.refresh_from_db()
    assert album.status == Album.Status.SCHEDULED
    assert album.release_at == later.replace(second=0, microsecond=0)

    response = client.post(reverse("studio:album_unpublish", args=[album.pk]), follow=True)
    album.refresh_from_db()
    assert album.status == Album.Status.UNPUBLISHED
    response = client.post(reverse("studio:album_unpublish", args=[album.pk]), follow=True)
    assert "Only a published or scheduled album can be unpublished." in page(response)


def test_album_details_are_saved(client, editor, album):
    client.force_login(editor)

    client.post(
        reverse("studio:album", args=[album.pk]),
        {"title": "Northern Lights (Deluxe)", "album_type": "album", "label": "Fjord", "genres": "Ambient"},
    )

    album.refresh_from_db()
    assert (album.title, album.label) == ("Northern Lights (Deluxe)", "Fjord")
    assert list(album.genres.all()) == [Genre.objects.get(name="Ambient")]


def test_delete_an_album_keeps_its_tracks(client, owner, artist, album):
    track = TrackFactory(album=album, track_number=1)
    client.force_login(owner)

    response = client.post(reverse("studio:album_delete", args=[album.pk]))

    assert response["Location"] == reverse("studio:artist", args=[artist.slug])
    assert not Album.objects.exists()
    track.refresh_from_db()
    assert track.album is None


def test_a_refused_new_album_leaves_no_new_genre_behind(client, owner, artist):
    client.force_login(owner)

    response = client.post(
        reverse("studio:album_create", args=[artist.slug]),
        {"title": "Snowglobe", "album_type": "album", "genres": "Shoegaze, ¡¿!"},
    )

    assert response.status_code == 200
    assert "A genre needs a name with letters or digits." in page(response)
    assert not Album.objects.exists()
    assert not Genre.objects.exists()


def test_a_refused_album_change_leaves_no_new_genre_behind(client, owner, album):
    client.force_login(owner)

    response = client.post(
        reverse("studio:album", args=[album.pk]), {"title": "Renamed", "album_type": "album", "genres": "Ambient, ¿?"}
    )

    assert response.status_code == 200
    assert "A genre needs a name with letters or digits." in page(response)
    album.refresh_from_db()
    assert album.title == "Northern Lights"
    assert not Genre.objects.exists()


def test_a_refused_track_change_leaves_no_new_genre_behind(client, owner, artist):
    track = TrackFactory(artist=artist, title="Untitled")
    client.force_login(owner)

    response = client.post(
        reverse("studio:track", args=[track.pk]), {"title": "New", "isrc": "nope", "genres": "Krautrock"}
    )

    assert "An ISRC has 12 characters, like USRC17607839." in page(response)
    assert not Genre.objects.exists()
    assert list(track.genres.all()) == []


def _members(artist: Artist) -> dict[str, str]:
    return dict(artist.memberships.values_list("user__username", "role"))


def test_an_owner_invites_an_editor_who_joins_on_accepting(client, owner, artist):
    grace = UserFactory(username="grace", email="grace@example.com")
    client.force_login(owner)

    response = client.post(
        reverse("studio:members", args=[artist.slug]), {"user": "grace", "role": "editor"}, follow=True
    )

    assert "grace is invited: they become a member of Aurora Fields once they accept." in page(response)
    assert _members(artist) == {"owner": "owner"}
    response = client.post(reverse("studio:members", args=[artist.slug]), {"user": "nobody", "role": "editor"})
    assert "Nobody is called “nobody” here." in page(response)

    client.force_login(grace)
    invitation = grace.artist_invitations.get()
    client.post(reverse("studio:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert _members(artist) == {"owner": "owner", "grace": "editor"}


def test_an_editor_cannot_add_members(client, artist, editor):
    UserFactory(username="grace")
    client.force_login(editor)
    html = page(client.get(reverse("studio:members", args=[artist.slug])))
    assert "Add a member" not in html

    response = client.post(
        reverse("studio:members", args=[artist.slug]), {"user": "grace", "role": "owner"}, follow=True
    )

    assert "Only the artist&#x27;s owners can do this." in page(response)
    assert _members(artist) == {"owner": "owner", "editor": "editor"}


def test_the_last_owner_cannot_leave(client, owner, artist, editor):
    client.force_login(owner)

    response = client.post(reverse("studio:member_remove", args=[artist.slug, owner.pk]), follow=True)

    assert "An artist needs one owner at least: make someone else owner first." in page(response)
    assert _members(artist) == {"owner": "owner", "editor": "editor"}


def test_an_editor_leaves(client, artist, editor):
    client.force_login(editor)

    response = client.post(reverse("studio:member_remove", args=[artist.slug, editor.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("studio:home")
    assert "You have left Aurora Fields." in page(response)
    assert _members(artist) == {"owner": "owner"}
    assert client.get(reverse("studio:artist", args=[artist.slug])).status_code == 404


def test_an_owner_changes_a_role_and_removes_a_member(client, owner, artist, editor):
    client.force_login(owner)

    client.post(reverse("studio:member_role", args=[artist.slug, editor.pk]), {"role": "owner"})
    assert _members(artist) == {"owner": "owner", "editor": "owner"}

    client.post(reverse("studio:member_remove", args=[artist.slug, editor.pk]))
    assert _members(artist) == {"owner": "owner"}


def test_transfer_ownership(client, owner, artist, editor):
    client.force_login(owner)

    response = client.post(reverse("studio:ownership_transfer", args=[artist.slug]), {"user": editor.pk}, follow=True)

    assert _members(artist) == {"owner": "editor", "editor": "owner"}
    assert "now owns Aurora Fields; you stay on as an editor." in page(response)
    # Now an editor: the owner's forms are gone.
    assert "Transfer ownership" not in page(client.get(reverse("studio:members", args=[artist.slug])))


@pytest.mark.parametrize("count", [3, 30])
def test_the_dashboard_costs_the_same_queries_for_3_or_30_tracks(
    client, owner, artist, count, django_assert_max_num_queries
):
    album = AlbumFactory(artist=artist)
    for number in range(1, count + 1):
        TrackFactory(artist=artist, album=album if number % 2 else None, track_number=number if number % 2 else None)
    AlbumFactory.create_batch(count // 3, artist=artist)
    client.force_login(owner)
    url = reverse("studio:artist", args=[artist.slug])

    with django_assert_max_num_queries(10):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_album_page_costs_the_same_queries_for_3_or_30_tracks(
    client, owner, artist, count, django_assert_max_num_queries
):
    album = AlbumFactory(artist=artist)
    for number in range(1, count + 1):
        TrackFactory(album=album, track_number=number)
        TrackFactory(artist=artist)  # waiting to be added
    client.force_login(owner)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("studio:album", args=[album.pk]))

    assert response.status_code == 200
    assert len(response.context["addable"]) == count
