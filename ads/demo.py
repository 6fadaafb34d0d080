"""The demo's ads: an advertiser and two campaigns with generated audio, so a free demo listener hears a break."""

import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from ads.models import Advertiser, Campaign
from ads.services import campaign_audio_process
from catalog.models import Genre
from catalog.synth import audio_synthesise

ADVERTISER = "Fjord Oat Co."
# name, title, text, colour of the picture, genres aimed at (none: everyone), seed of the audio
CAMPAIGNS = (
    ("Demo: oat milk", "Fjord Oat Milk", "Creamy, Nordic, and no cows were asked.", (222, 184, 135), (), 11),
    (
        "Demo: night train",
        "The Night Train North",
        "Sleep through the fjords. Tickets for synth-pop fans, half price.",
        (40, 60, 120),
        ("Electronic",),
        12,
    ),
)
AD_SECONDS = 10


def _picture(colour: tuple[int, int, int], text: str) -> bytes:
    image = Image.new("RGB", (640, 640), colour)
    ImageDraw.Draw(image).text((40, 300), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_demo_ads(report: Callable[[str], None] = print) -> None:
    """Add the demo advertiser and its campaigns, running for a year; their audio made at once. Safe to run twice."""
    advertiser, _ = Advertiser.objects.get_or_create(name=ADVERTISER, defaults={"website": "https://example.com/"})
    now = timezone.now()
    with tempfile.TemporaryDirectory(prefix="demo-ads-") as scratch:
        for name, title, text, colour, genres, seed in CAMPAIGNS:
            campaign = Campaign.objects.filter(advertiser=advertiser, name=name).first()
            if campaign is None:
                campaign = Campaign(
                    advertiser=advertiser,
                    name=name,
                    title=title,
                    text=text,
                    click_url="https://example.com/",
                    starts_at=now - dt.timedelta(days=1),
                    ends_at=now + dt.timedelta(days=365),
                    frequency_cap=50,
                )
                audio = audio_synthesise(Path(scratch) / f"{seed}.flac", seconds=AD_SECONDS, fmt="flac", seed=seed)
                with audio.open("rb") as content:
                    campaign.audio.save(f"{seed}.flac", File(content), save=False)
                campaign.image.save(f"demo-{seed}.png", ContentFile(_picture(colour, title)), save=False)
                campaign.save()
                campaign.genres.set(Genre.objects.filter(name__in=genres))
            if campaign.status != Campaign.Status.READY:
                report(f"ads: making the audio of {title!r}")
                campaign = campaign_audio_process(campaign_id=campaign.pk) or campaign
                if campaign.status != Campaign.Status.READY:
                    report(f"ads: {title!r} could not be made ready: {campaign.failure_reason}")
    report(f"ads: {Campaign.objects.filter(advertiser=advertiser).count()} demo campaigns by {ADVERTISER}")
