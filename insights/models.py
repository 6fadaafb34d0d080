"""Daily figures per track and per artist: what the studio's insights pages read.

Rolled up from the play table (the truth) by the periodic task
(``services.insights_rollup``), which recomputes whole days and replaces their
rows in one transaction, so a reader sees a day as one run left it. Days are
UTC days, like the live counters' hours.
"""

from django.db import models

from catalog.models import Artist, Track


class DayFigures(models.Model):
    """What a track's or an artist's day holds."""

    day = models.DateField()
    streams = models.PositiveIntegerField(default=0, help_text="Plays that counted (past the threshold).")
    listeners = models.PositiveIntegerField(default=0, help_text="Distinct listeners of those plays.")
    skips = models.PositiveIntegerField(default=0, help_text="Plays stopped before 30 s that did not end.")
    saves = models.PositiveIntegerField(default=0, help_text="Likes added that day (and still there).")
    playlist_adds = models.PositiveIntegerField(default=0, help_text="Playlist items added that day.")
    countries = models.JSONField(default=dict, help_text="Streams by the listener's country code.")
    sources = models.JSONField(default=dict, help_text="Streams by where the play started (album, playlist...).")

    class Meta:
        abstract = True


class TrackDay(DayFigures):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    # The track's artist when the day was rolled up: an artist's top tracks read one index.
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track", "day"], name="insights_track_day_unique")]
        indexes = [models.Index(fields=["artist", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"track {self.track_id} on {self.day}: {self.streams}"


class ArtistDay(DayFigures):
    """An artist's day: its tracks' figures summed, but listeners counted once across them all."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["artist", "day"], name="insights_artist_day_unique")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"artist {self.artist_id} on {self.day}: {self.streams}"


class RollupRun(models.Model):
    """Where the periodic roll-up got to: the next run recomputes the days from here on."""

    name = models.CharField(max_length=32, primary_key=True)
    started_at = models.DateTimeField(null=True, help_text="When the last finished run began; empty before the first.")

    def __str__(self) -> str:
        return f"{self.name} from {self.started_at}"
