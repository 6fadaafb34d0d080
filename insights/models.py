"""Daily figures per track and per artist, and their distinct listeners over 7, 28 and 365 days.

Rolled up from the play table (the truth) by the periodic task
(``services.insights_rollup``), which recomputes whole days and replaces their
rows in one transaction, so a reader sees a day as one run left it. Days are
UTC days, like the live counters' hours. A period's listeners cannot be summed
from its days (a listener who comes back counts on each), so they are counted
apart, over the whole period, into ``TrackListeners`` and ``ArtistListeners``.
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


class PeriodListeners(models.Model):
    """Distinct listeners over the last ``days`` UTC days (today so far included), counted at ``as_of``.

    Only items with listeners have a row: none means none. Each window's rows
    are replaced together, in one transaction, by the roll-up.
    """

    days = models.PositiveSmallIntegerField(help_text="The window: 7, 28 or 365 days, today (UTC) included.")
    listeners = models.PositiveIntegerField(help_text="Distinct listeners of the counted plays in the window.")
    as_of = models.DateTimeField(help_text="When they were counted: the window ends then.")

    class Meta:
        abstract = True


class TrackListeners(PeriodListeners):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track", "days"], name="insights_track_listeners_unique")]
        indexes = [models.Index(fields=["days"])]

    def __str__(self) -> str:
        return f"track {self.track_id} over {self.days} days: {self.listeners}"


class ArtistListeners(PeriodListeners):
    """An artist's listeners over the window: distinct across all its tracks, not a sum of theirs."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["artist", "days"], name="insights_artist_listeners_unique")]
        indexes = [models.Index(fields=["days"])]

    def __str__(self) -> str:
        return f"artist {self.artist_id} over {self.days} days: {self.listeners}"


class RollupRun(models.Model):
    """Where the periodic roll-up got to: the next run recomputes the days from here on.

    One row for the days (``days``), and one for each window of listeners that
    is not counted at every run (``listeners-365d``: when it was last counted).
    """

    name = models.CharField(max_length=32, primary_key=True)
    started_at = models.DateTimeField(null=True, help_text="When the last finished run began; empty before the first.")

    def __str__(self) -> str:
        return f"{self.name} from {self.started_at}"
