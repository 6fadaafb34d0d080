"""What is streamed: the current renditions of each track, and the plays they get."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Album, Track


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
    # The preview visitors without an account hear, in ``preview_folder``; none until it is made.
    preview_start_ms = models.PositiveIntegerField(null=True, blank=True)
    preview_ms = models.PositiveIntegerField(null=True, blank=True, help_text="length of the preview; empty: none yet")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "track media"

    def __str__(self) -> str:
        return f"renditions/{self.track_id}/{self.version}/"

    @property
    def folder(self) -> str:
        return f"renditions/{self.track_id}/{self.version}/"

    @property
    def preview_folder(self) -> str:
        return preview_folder(track_id=self.track_id, version=self.version)


def preview_folder(*, track_id: int, version: str) -> str:
    """The folder of a version's preview, next to the version's own: a URL signed for it reaches nothing else."""
    return f"renditions/{track_id}/{version}p/"


class AlbumLoudness(models.Model):
    """An album's loudness as one programme: its tracks in running order, measured as if played straight through.

    What the player evens an album out by when it plays the album in order
    (ReplayGain's album mode), so that a quiet song stays quieter than a loud
    one. ``tracks_key`` names what was measured (each track and the version
    of its renditions, in order): a measurement of the same programme again
    changes nothing. See ``streaming/services/loudness.py``.
    """

    album = models.OneToOneField(Album, on_delete=models.CASCADE, primary_key=True, related_name="loudness")
    loudness_lufs = models.FloatField(help_text="EBU R128 integrated loudness of the whole album")
    true_peak_dbtp = models.FloatField(help_text="the highest true peak of any of its tracks")
    tracks_key = models.CharField(max_length=64, help_text="digest of the tracks and versions measured, in order")
    measured_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "album loudness"

    def __str__(self) -> str:
        return f"{self.loudness_lufs:.1f} LUFS, {self.true_peak_dbtp:.1f} dBTP"


class RenditionWrite(models.Model):
    """A version folder being written: made before the first file goes up, gone with the switch.

    A transcode that dies on the way (a worker killed outright) leaves this row
    behind, and the sweep deletes its folder once the task could no longer be
    running. No listing of the bucket is needed to find what a dead worker left.
    """

    track_id = models.PositiveBigIntegerField()  # not a key: the folder outlives a deleted track
    version = models.CharField(max_length=32)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track_id", "version"], name="rendition_write_unique")]

    def __str__(self) -> str:
        return f"renditions/{self.track_id}/{self.version}/ (writing since {self.started_at:%Y-%m-%d %H:%M})"


class Play(models.Model):
    """One listen, as the player reports it. It counts once it passes the threshold.

    ``started_at`` is the time of the stream grant the play comes from, the
    same for every report of it. ``source`` is where the listener started it
    (what the player was playing from) and ``country`` where they were.
    """

    class Source(models.TextChoices):
        ALBUM = "album", _("Album")
        PLAYLIST = "playlist", _("Playlist")
        ARTIST = "artist", _("Artist page")
        SEARCH = "search", pgettext_lazy("source of a stream", "Search")
        RADIO = "radio", _("Radio")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plays")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="plays")
    started_at = models.DateTimeField()
    ms_played = models.PositiveIntegerField(default=0)
    counted = models.BooleanField(default=False)
    ended = models.BooleanField(default=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, where the listener was.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-started_at"]), models.Index(fields=["track", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} played {self.track_id}"


class Device(models.Model):
    """A browser or client a listener plays on. Its id is made by the client and kept there.

    ``last_seen`` moves while the device asks for the playback state; one not
    seen for a few minutes is gone from the list, and one gone for a month is
    deleted (``streaming/services/player.py``, devices).
    """

    class Type(models.TextChoices):
        COMPUTER = "computer", _("Computer")
        SMARTPHONE = "smartphone", _("Smartphone")
        TABLET = "tablet", _("Tablet")
        SPEAKER = "speaker", _("Speaker")
        TV = "tv", _("TV")
        OTHER = "other", _("Other")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    device_id = models.CharField(max_length=64, help_text="Made by the client, unique among the listener's devices.")
    name = models.CharField(max_length=100)
    named_by_listener = models.BooleanField(
        default=False, help_text="The listener chose the name: the device's own default no longer replaces it."
    )
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.COMPUTER)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="streaming_device_unique_per_user"),
            models.CheckConstraint(
                condition=models.Q(type__in=["computer", "smartphone", "tablet", "speaker", "tv", "other"]),
                name="streaming_device_type_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-last_seen"]),
            # The hourly sweep finds the devices gone for a month (``devices_sweep``).
            models.Index(fields=["last_seen"], name="streaming_device_last_seen"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.device_id})"


class PlaybackState(models.Model):
    """What one listener is playing, where, and what comes next: one row per listener.

    ``position_ms`` was true at ``reported_at``; while ``is_playing`` the
    position now is extrapolated from the two. ``context_tracks`` is the list
    playback came from (an album, a playlist) in its own order;
    ``shuffle_order`` the order it plays in while shuffling (indexes into it),
    and ``context_index`` the place in whichever order applies. ``queue`` holds
    the tracks the listener added, played before the context goes on.
    ``version`` grows by one on every change: devices ask whether it moved.
    """

    class Repeat(models.TextChoices):
        OFF = "off", _("Off")
        CONTEXT = "context", _("Context")
        TRACK = "track", _("Track")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="playback"
    )
    device = models.ForeignKey(Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    track = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    position_ms = models.PositiveIntegerField(default=0)
    reported_at = models.DateTimeField()
    is_playing = models.BooleanField(default=False)
    context_uri = models.CharField(max_length=300, blank=True)
    context_tracks = models.JSONField(default=list, help_text="track ids, in the context's own order")
    shuffle_order = models.JSONField(default=list, help_text="indexes into context_tracks, while shuffling")
    context_index = models.IntegerField(default=-1, help_text="place in the playing order; -1 outside the context")
    queue = models.JSONField(default=list, help_text="track ids the listener added, next first")
    shuffle = models.BooleanField(default=False)
    repeat = models.CharField(max_length=8, choices=Repeat.choices, default=Repeat.OFF)
    volume = models.PositiveSmallIntegerField(default=100)
    version = models.PositiveBigIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(volume__lte=100), name="streaming_playback_volume_range"),
            models.CheckConstraint(
                condition=models.Q(repeat__in=["off", "context", "track"]), name="streaming_playback_repeat_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Playback of user {self.user_id} (v{self.version})"
