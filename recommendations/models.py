"""The recommendations model: each track's and each artist's nearest neighbours in listening.

Computed in bulk from the play table by the periodic task (``services.neighbours_compute``)
and replaced whole in one transaction, so a reader sees either the last run or the one
before it, never a mix. Reads are one indexed query: ``(kind, item_id)`` ordered by score.
"""

from django.db import models


class Neighbour(models.Model):
    class Kind(models.TextChoices):
        TRACK = "track", "track"
        ARTIST = "artist", "artist"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    item_id = models.PositiveBigIntegerField()
    neighbour_id = models.PositiveBigIntegerField()
    score = models.PositiveIntegerField(help_text="Normalised PMI of the pair, in millionths (0 to 1,000,000).")
    listeners = models.PositiveIntegerField(help_text="Listeners who played both close together.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item_id", "neighbour_id"], name="recommendations_neighbour_unique"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=1_000_000), name="recommendations_score_range"),
        ]
        indexes = [models.Index(fields=["kind", "item_id", "-score"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} ~ {self.neighbour_id} ({self.score})"


class ModelRun(models.Model):
    """One run of the periodic computation: what it read and how long it took."""

    finished_at = models.DateTimeField()
    plays_read = models.PositiveBigIntegerField()
    listeners = models.PositiveIntegerField()
    track_pairs = models.PositiveBigIntegerField()
    artist_pairs = models.PositiveBigIntegerField()
    duration_ms = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["-finished_at"])]

    def __str__(self) -> str:
        return f"run at {self.finished_at}: {self.plays_read} plays"
