"""What is streamed: the current renditions of each track, and the plays they get."""

import uuid

from django.conf import settings
from django.db import models

from catalog.models import Track


class TrackMedia(models.Model):
    """The renditions a track plays from: one version folder, switched to as a whole.

    Files live under ``renditions/<track id>/<version>/``. A new transcode
    writes a new folder and only then points here, so listeners never see a
    half-written set.
    """

    track = models.OneToOneField(Track, on_delete=models.CASCADE, primary_key=True, related_name="media")
    version = models.CharField(max_length=32)
    codec = models.CharField(max_length=16, default="aac")
    bitrates = models.JSONField(default=list, help_text="kbit/s, ascending")
    duration_ms = models.PositiveIntegerField()
    loudness_lufs = models.FloatField(help_text="EBU R128 integrated loudness")
    true_peak_dbtp = models.FloatField()
    loudness_range_lu = models.FloatField()
    waveform = models.JSONField(default=list, help_text="peaks, 0-255")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "track media"

    def __str__(self) -> str:
        return f"renditions/{self.track_id}/{self.version}/"

    @property
    def folder(self) -> str:
        return f"renditions/{self.track_id}/{self.version}/"


class Play(models.Model):
    """One listen, as the player reports it. It counts once it passes the threshold."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plays")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="plays")
    started_at = models.DateTimeField()
    ms_played = models.PositiveIntegerField(default=0)
    counted = models.BooleanField(default=False)
    ended = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-started_at"]), models.Index(fields=["track", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} played {self.track_id}"
