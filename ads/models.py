"""Audio ads on the free plan: advertisers, their campaigns, the breaks listeners owe and hear."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from catalog.models import Genre


class Advertiser(models.Model):
    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """One ad, with who may hear it, when, and how often."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    advertiser = models.ForeignKey(Advertiser, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200, help_text="For staff; listeners see the title.")
    title = models.CharField(max_length=200)
    text = models.CharField(max_length=300, blank=True, help_text="The companion text shown while the ad plays.")
    click_url = models.URLField(blank=True)
    image = models.ImageField(upload_to="campaigns/", blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166 codes of the countries it runs in; none for everywhere."
    )
    genres = models.ManyToManyField(
        Genre, blank=True, related_name="campaigns", help_text="Heard by listeners of these genres; none for all."
    )
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    impression_budget = models.PositiveIntegerField(
        null=True, blank=True, help_text="Impressions it may start in all; empty for no limit."
    )
    frequency_cap = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="Times a day one listener may hear it."
    )
    # The ad's audio, made by the transcoding pipeline into ``media_folder`` of the renditions'
    # bucket (``ads/{id}/{version}/``); served only once ready.
    audio = models.FileField(upload_to="originals/ads/", blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    media_folder = models.CharField(max_length=200, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    bitrate = models.PositiveSmallIntegerField(default=0, help_text="kbit/s of the rendition served.")
    loudness_lufs = models.FloatField(null=True, blank=True, help_text="Of the renditions, after levelling.")
    true_peak_dbtp = models.FloatField(null=True, blank=True)
    # The original the renditions in media_folder were made from: a new upload makes new ones.
    audio_made_from = models.CharField(max_length=300, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="ads_campaign_dates"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="ads_campaign_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class AdLedger(models.Model):
    """The music a listener heard since their last ad break: the database's copy of the count in Redis.

    Redis holds the live count (``ads.ledger``); this row holds it when Redis
    cannot be reached, and is where a count Redis no longer has starts again.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    tracks = models.PositiveIntegerField(default=0)
    ms = models.PositiveBigIntegerField(default=0)
    last_track_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tracks} tracks, {self.ms // 1000} s since {self.user_id}'s last break"


class AdBreak(models.Model):
    """A break a listener started: the ads handed out, and when it may end."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_breaks")
    campaigns = models.JSONField(default=list)  # the campaigns' ids, in the order they play
    duration_ms = models.PositiveIntegerField(default=0)
    country = models.CharField(max_length=2, blank=True)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-started_at"])]
        constraints = [
            # One break open at a time per listener: a second start finds the first.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(completed_at__isnull=True), name="ads_one_open_break"
            )
        ]

    def __str__(self) -> str:
        return f"break {self.id} of {self.user_id}"


class Impression(models.Model):
    """One ad in one break: when it started, whether it was heard to the end, whether it was clicked."""

    ad_break = models.ForeignKey(AdBreak, on_delete=models.CASCADE, related_name="impressions")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="impressions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_impressions")
    country = models.CharField(max_length=2, blank=True)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ad_break", "campaign"], name="ads_impression_once")]
        indexes = [
            models.Index(fields=["campaign", "started_at"]),
            models.Index(fields=["user", "campaign", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} in {self.ad_break_id}"
