"""Staff run campaigns in the admin: pictures are checked like artwork, and each campaign shows its figures."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ads.models import AdBreak, Advertiser, Campaign
from ads.services import ad_impressions_record
from tests.accounts.factories import UserFactory
from tests.catalog.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _form(advertiser: Advertiser, image: SimpleUploadedFile) -> dict[str, object]:
    now = timezone.now()
    return {
        "advertiser": advertiser.pk,
        "name": "Spring",
        "title": "Oat milk, but louder",
        "text": "",
        "click_url": "https://example.com/",
        "image": image,
        "starts_at_0": now.date().isoformat(),
        "starts_at_1": "00:00:00",
        "ends_at_0": (now + dt.timedelta(days=30)).date().isoformat(),
        "ends_at_1": "00:00:00",
        "countries": "[]",
        "weight": 1,
        "frequency_cap": 3,
    }


def test_a_picture_that_is_not_an_image_is_refused_with_a_clear_message(admin_client_):
    advertiser = Advertiser.objects.create(name="Oatly Works")
    response = admin_client_.post(
        "/admin/ads/campaign/add/", _form(advertiser, SimpleUploadedFile("ad.png", b"<svg></svg>"))
    )
    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()

    response = admin_client_.post(
        "/admin/ads/campaign/add/", _form(advertiser, SimpleUploadedFile("ad.png", png_bytes()))
    )
    assert response.status_code == 302
    assert Campaign.objects.get().status == Campaign.Status.PROCESSING  # never served before its audio is ready


def test_a_campaign_shows_its_impressions_completion_and_clicks_by_day_and_country(admin_client_):
    now = timezone.now()
    campaign = Campaign.objects.create(
        advertiser=Advertiser.objects.create(name="Oatly Works"),
        name="Spring",
        title="Oat milk",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1),
        status=Campaign.Status.READY,
        media_folder="ads/1/v1/",
        duration_ms=15_000,
    )
    for country, completed in (("SE", True), ("SE", False), ("NO", True)):
        ad_break = AdBreak.objects.create(
            user=UserFactory(), campaigns=[campaign.pk], country=country, started_at=now, completed_at=now
        )
        ad_impressions_record(break_id=str(ad_break.pk), event="start")
        if completed:
            ad_impressions_record(break_id=str(ad_break.pk), event="complete")
    ad_impressions_record(break_id=str(ad_break.pk), event="click", campaign_id=campaign.pk)
    page = admin_client_.get(f"/admin/ads/campaign/{campaign.pk}/change/").content.decode()
    assert "Started 3, completed 2 (67%), clicks 1." in page
    assert "<td>SE</td><td>2</td><td>1</td><td>50%</td><td>0</td>" in page
    assert "<td>NO</td><td>1</td><td>1</td><td>100%</td><td>1</td>" in page
