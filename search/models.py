from django.conf import settings
from django.db import models
from django.db.models import Q


class SearchEntry(models.Model):
    """One searchable thing, as the search backends see it.

    Kept in step with the catalog and playlists by :mod:`search.indexing`. The
    database backend searches these rows; the OpenSearch index is built from
    them, and they are what queries fall back to when the cluster is down.

    A row whose thing disappears or is hidden stays as a tombstone
    (``visible=False``), so that a rebuild running at the same time can replay
    the removal; tombstones are purged after a day.
    """

    class Kind(models.TextChoices):
        TRACK = "track"
        ARTIST = "artist"
        ALBUM = "album"
        PLAYLIST = "playlist"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    name = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    # Lower case, accents folded (see search.text.fold): what queries match.
    folded = models.CharField(max_length=300)
    context = models.TextField(blank=True)
    # A track's published lyrics, each line folded, one a line: a phrase of a line finds the track.
    lyrics = models.TextField(blank=True)
    genres = models.CharField(
        max_length=1000, blank=True, help_text="Genre slugs, space-separated, with a space at each end."
    )
    popularity = models.BigIntegerField(default=0)
    visible = models.BooleanField(default=True)
    public = models.BooleanField(default=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["track", "artist", "album", "playlist"]), name="search_entry_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "visible", "-popularity"], name="search_entry_popular")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.name}"


class RecentSearch(models.Model):
    """A result a listener opened or played from search, for the search page's "Recent searches"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_searches")
    kind = models.CharField(max_length=16, choices=SearchEntry.Kind.choices)
    object_id = models.BigIntegerField()
    searched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_id"], name="recent_search_unique")]
        indexes = [models.Index(fields=["user", "-searched_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} found {self.kind} {self.object_id}"


class IndexSync(models.Model):
    """What the OpenSearch index behind one alias may lack: entry changes it missed while the cluster was away.

    An index update that cannot reach the cluster records here the moment the
    entries it wrote were changed (the earliest such moment is kept), and
    counts the miss. The catch-up copies every entry changed since into the
    index, then clears the record, unless a miss was counted meanwhile: then it
    stays, and the next catch-up copies again.
    """

    alias = models.CharField(max_length=200, unique=True)
    missed_since = models.DateTimeField(null=True, blank=True)
    misses = models.PositiveBigIntegerField(default=0)
    caught_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.alias}: missed since {self.missed_since}" if self.missed_since else f"{self.alias}: in step"


class SearchWord(models.Model):
    """A word the search entries use (in a name or its context), for typo matching: search.vocabulary.

    Added as entries are written and never removed: a word no entry uses any
    more costs one row and matches nothing.
    """

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word
