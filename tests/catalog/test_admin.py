import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Album, Track
from catalog.services.albums import album_artwork_set, album_create, album_tracks_add
from catalog.services.tracks import track_upload
from tests.catalog.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_staff_publish_from_the_admin_and_hear_why_not(
    admin_client_, artist, owner, audio_bytes, django_capture_on_commit_callbacks
):
    bare = album_create(artist_id=artist.pk, by=owner, title="Bare")
    ready = album_create(artist_id=artist.pk, by=owner, title="Ready")
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("t.mp3", audio_bytes("mp3")))
    album_tracks_add(album=ready, by=owner, track_ids=[track.pk])
    album_artwork_set(album=ready, by=owner, file=SimpleUploadedFile("a.png", png_bytes()))

    response = admin_client_.post(
        "/admin/catalog/album/", {"action": "publish", "_selected_action": [bare.pk, ready.pk]}, follow=True
    )

    page = response.content.decode()
    assert "Bare: An album needs artwork before it is published." in page
    assert "Done for 1 of 2." in page
    assert dict(Album.objects.values_list("title", "status")) == {"Bare": "draft", "Ready": "published"}


def test_staff_reprocess_a_failed_track(admin_client_, artist, owner, audio_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("t.mp3", audio_bytes("mp3")))
    Track.objects.filter(pk=track.pk).update(status="failed", failure_reason="Worker lost.")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post("/admin/catalog/track/", {"action": "reprocess", "_selected_action": [track.pk]})

    track.refresh_from_db()
    assert (track.status, track.failure_reason) == ("ready", "")


@pytest.mark.parametrize("model", [Album, Track])
def test_admin_list_pages_do_not_query_per_row(admin_client_, artist, owner, model, django_assert_max_num_queries):
    album = album_create(artist_id=artist.pk, by=owner, title="Long Player")
    Track.objects.bulk_create(
        Track(title=f"T{n}", artist=artist, album=album, track_number=n, status="ready", original="x.mp3")
        for n in range(1, 41)
    )
    for n in range(10):
        album_create(artist_id=artist.pk, by=owner, title=f"Album {n}")

    with django_assert_max_num_queries(12):
        response = admin_client_.get(f"/admin/catalog/{model._meta.model_name}/")

    assert response.status_code == 200
    assert site.is_registered(model)
