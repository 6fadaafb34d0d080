"""An ad's audio goes through the music's pipeline: checked at upload, levelled, transcoded into its own folder."""

import datetime as dt
import io

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from ads.models import Advertiser, Campaign
from ads.services import campaign_audio_process
from streaming.services.clips import PEAK_CEILING_DBTP, TARGET_LUFS
from streaming.storage import renditions_storage
from tests.accounts.factories import UserFactory
from tests.spotifyclone.test_scopes import third_party_token
from tests.streaming.factories import TrackMediaFactory

pytestmark = pytest.mark.django_db


def _form(audio: SimpleUploadedFile, **extra: object) -> dict[str, object]:
    now = timezone.now()
    return {
        "advertiser": Advertiser.objects.get_or_create(name="Oatly Works")[0].pk,
        "name": "Spring",
        "title": "Oat milk, but louder",
        "text": "",
        "click_url": "https://example.com/",
        "audio": audio,
        "starts_at_0": (now - dt.timedelta(days=1)).date().isoformat(),
        "starts_at_1": "00:00:00",
        "ends_at_0": (now + dt.timedelta(days=30)).date().isoformat(),
        "ends_at_1": "00:00:00",
        "countries": "[]",
        "weight": 1,
        "frequency_cap": 3,
        **extra,
    }


def _add(admin_client_, audio: SimpleUploadedFile, capture):
    with capture(execute=True):
        return admin_client_.post("/admin/ads/campaign/add/", _form(audio))


def test_bad_audio_is_refused_with_the_uploads_message_and_nothing_is_kept(
    admin_client_, django_capture_on_commit_callbacks
):
    response = _add(
        admin_client_, SimpleUploadedFile("ad.mp3", b"this is not audio" * 100), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "audio" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()


def test_an_uploaded_ad_is_levelled_and_transcoded_into_its_own_folder_then_served(
    admin_client_, audio_bytes, django_capture_on_commit_callbacks, settings
):
    settings.EDGE_URLS = {}
    response = _add(
        admin_client_, SimpleUploadedFile("spring.flac", audio_bytes("flac")), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.READY, campaign.failure_reason
    assert campaign.media_folder.startswith(f"ads/{campaign.pk}/")
    assert 1900 <= campaign.duration_ms <= 2100
    assert campaign.bitrate == 160
    # Brought to the target, or as near as the true peak's ceiling lets it go.
    at_target = abs(campaign.loudness_lufs - TARGET_LUFS) <= 1.0
    at_ceiling = abs(campaign.true_peak_dbtp - PEAK_CEILING_DBTP) <= 0.5
    assert at_target or at_ceiling, (campaign.loudness_lufs, campaign.true_peak_dbtp)
    storage = renditions_storage()
    for name in ("aac_160.m4a", "aac_64.m4a", "hls/master_160.m3u8", "hls/master.m3u8"):
        assert storage.exists(campaign.media_folder + name), name
    with storage.open(campaign.media_folder + "aac_160.m4a") as made, av.open(io.BytesIO(made.read())) as container:
        assert container.streams.audio[0].codec_context.name == "aac"

    # Heard in a break through the signed edge, as a track is.
    listener = UserFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(listener, 'streaming')}")
    settings.ADS_TRACKS_BETWEEN_BREAKS = 1
    first, second = TrackMediaFactory().track, TrackMediaFactory().track
    assert api.get(f"/api/v1/tracks/{first.pk}/stream/").status_code == 200
    assert api.get(f"/api/v1/tracks/{second.pk}/stream/").status_code == 409
    [ad] = api.post("/api/v1/me/ad-breaks/").json()["ads"]
    played = admin_client_.get(ad["url"])
    assert played.status_code == 200
    assert b"".join(played.streaming_content) == storage.open(campaign.media_folder + "aac_160.m4a").read()


def test_processing_twice_keeps_the_folder_and_a_new_upload_replaces_it(
    admin_client_, audio_bytes, django_capture_on_commit_callbacks
):
    _add(admin_client_, SimpleUploadedFile("spring.flac", audio_bytes("flac")), django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get()
    first = campaign.media_folder
    assert campaign_audio_process(campaign_id=campaign.pk).media_folder == first

    form = _form(SimpleUploadedFile("summer.mp3", audio_bytes("mp3")))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(f"/admin/ads/campaign/{campaign.pk}/change/", form)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.READY
    assert campaign.media_folder != first
    storage = renditions_storage()
    assert storage.exists(campaign.media_folder + "aac_160.m4a")
    assert not storage.exists(first + "aac_160.m4a")  # the old folder is deleted


def test_a_quiet_ad_is_brought_up_to_the_target_level(tmp_path):
    import subprocess

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from catalog.audio import ffmpeg_exe
    from streaming.services.clips import clip_renditions_make

    quiet = tmp_path / "quiet.flac"
    # A tone 30 dB down, made by the project's own FFmpeg.
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
         "-af", "volume=-30dB", "-c:a", "flac", str(quiet)],
        check=True,
    )  # fmt: skip
    name = default_storage.save("originals/ads/quiet.flac", ContentFile(quiet.read_bytes()))
    media = clip_renditions_make(original=name, folder="ads/999999/quiet/")
    assert media.gain_db > 10
    assert abs(media.loudness.integrated_lufs - TARGET_LUFS) <= 1.0
    assert media.loudness.true_peak_dbtp <= PEAK_CEILING_DBTP + 0.5
    assert renditions_storage().exists("ads/999999/quiet/hls/master_96.m3u8")


def test_an_upload_gone_from_storage_marks_the_campaign_failed_rather_than_retrying_forever(
    admin_client_, audio_bytes, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    _add(admin_client_, SimpleUploadedFile("spring.flac", audio_bytes("flac")), django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get()
    default_storage.delete(campaign.audio.name)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PROCESSING, audio_made_from="")
    failed = campaign_audio_process(campaign_id=campaign.pk)
    assert failed.status == Campaign.Status.FAILED
    assert "missing" in failed.failure_reason
