"""A track's waveform: given to players by the API (cached by the browser), and drawn on the studio's track page."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Album, ArtistMembership, Track
from streaming.models import TrackMedia
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, ArtistMembershipFactory, TrackFactory

pytestmark = pytest.mark.django_db

PEAKS = [0, 128, 255, 64]


def _media(track: Track, peaks: list[int]) -> TrackMedia:
    return TrackMedia.objects.create(
        track=track,
        version="v1",
        duration_ms=184_000,
        loudness_lufs=-14.0,
        true_peak_dbtp=-1.0,
        loudness_range_lu=6.0,
        waveform=peaks,
    )


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_login(UserFactory())
    return client


def test_a_player_gets_the_peaks_of_a_track_it_may_see_cached_for_an_hour(api, django_assert_num_queries):
    track = TrackFactory(album=AlbumFactory(status=Album.Status.PUBLISHED), status=Track.Status.READY)
    _media(track, PEAKS)

    with django_assert_num_queries(2):  # the session's user, then the track with its peaks
        response = api.get(f"/api/v1/tracks/{track.pk}/waveform/")

    assert response.status_code == 200
    assert response.json() == {"track": track.pk, "peaks": PEAKS}
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["ETag"] == f'"{track.pk}-v1"'


def test_a_track_not_processed_yet_has_no_peaks_and_a_draft_of_someone_else_is_not_found(api):
    waiting = TrackFactory(album=AlbumFactory(status=Album.Status.PUBLISHED), status=Track.Status.READY)
    draft = TrackFactory(album=AlbumFactory(status=Album.Status.DRAFT))
    _media(draft, PEAKS)

    assert api.get(f"/api/v1/tracks/{waiting.pk}/waveform/").json() == {"track": waiting.pk, "peaks": []}
    assert api.get(f"/api/v1/tracks/{draft.pk}/waveform/").status_code == 404
    assert APIClient().get(f"/api/v1/tracks/{waiting.pk}/waveform/").status_code in (401, 403)


def test_the_studio_track_page_draws_the_waveform_once_the_track_is_processed(client):
    artist = ArtistFactory()
    editor = ArtistMembershipFactory(artist=artist, role=ArtistMembership.Role.EDITOR).user
    track = TrackFactory(artist=artist, title="Glass Fjord")
    client.force_login(editor)
    url = reverse("studio:track", args=[track.pk])

    before = client.get(url).content.decode()
    _media(track, PEAKS)
    after = client.get(url).content.decode()

    assert "The waveform shows once the track has been processed." in before
    assert "<svg" not in before.split('class="track-wave"')[1].split("</figure>")[0]
    assert 'aria-label="Waveform of “Glass Fjord”"' in after
    # One bar per peak, as high as the peak (60 units for 255), centred in the 64-unit box.
    assert '<path d="M0 31.5h.8v1.0h-.8zM1 16.9h.8v30.1h-.8zM2 2.0h.8v60.0h-.8zM3 24.5h.8v15.1h-.8z"/>' in after
    assert "The waveform shows" not in after
