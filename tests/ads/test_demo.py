"""seed_demo's ads: two campaigns with real audio, once however often it runs, and the free demo listener hears them."""

import pytest
from rest_framework.test import APIClient

from ads.demo import seed_demo_ads
from ads.models import Advertiser, Campaign
from catalog.models import Genre
from core.demo import demo_seeders
from tests.accounts.factories import UserFactory
from tests.spotifyclone.test_scopes import third_party_token
from tests.streaming.factories import TrackMediaFactory

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns_are_made_once_and_ready(settings):
    assert seed_demo_ads in demo_seeders()  # seed_demo runs it after the catalog
    Genre.objects.create(name="Electronic", slug="electronic")  # as the demo catalog made it
    lines: list[str] = []
    seed_demo_ads(lines.append)
    seed_demo_ads(lines.append)
    assert Advertiser.objects.count() == 1
    campaigns = Campaign.objects.all()
    assert len(campaigns) == 2
    assert {campaign.status for campaign in campaigns} == {Campaign.Status.READY}
    assert all(campaign.image and campaign.duration_ms >= 9000 for campaign in campaigns)

    settings.EDGE_URLS = {}
    settings.ADS_TRACKS_BETWEEN_BREAKS = 1
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {third_party_token(UserFactory(), 'streaming')}")
    first, second = TrackMediaFactory().track, TrackMediaFactory().track
    api.get(f"/api/v1/tracks/{first.pk}/stream/")
    assert api.get(f"/api/v1/tracks/{second.pk}/stream/").json()["error"]["code"] == "ad_break_due"
    # The night train aims at listeners of electronic music; this one has played none.
    assert [ad["title"] for ad in api.post("/api/v1/me/ad-breaks/").json()["ads"]] == ["Fjord Oat Milk"]
