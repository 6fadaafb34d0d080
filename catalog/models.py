"""The catalog: artists and who runs them, albums, tracks and genres."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Genre(models.Model):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Artist(models.Model):
    """A performer or band: a public page, run by its members."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    bio = models.TextField(blank=True)
    # The largest square; the smaller ones sit beside it (see catalog.artwork).
    image = models.FileField(upload_to="artists/", blank=True, max_length=300)
    verified = models.BooleanField(default=False)
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="ArtistMembership", related_name="artists"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class ArtistMembership(models.Model):
    """Who may act for an artist. An artist always keeps one owner at least."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="artist_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["artist", "user"], name="catalog_membership_unique"),
            models.CheckConstraint(condition=Q(role__in=["owner", "editor"]), name="catalog_membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of {self.artist_id}"


class Album(models.Model):
    class Type(models.TextChoices):
        ALBUM = "album", _("Album")
        SINGLE = "single", _("Single")
        EP = "ep", _("EP")
        COMPILATION = "compilation", _("Compilation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="albums")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320)
    album_type = models.CharField(max_length=16, choices=Type.choices, default=Type.ALBUM)
    release_date = models.DateField(null=True, blank=True)
    # For a scheduled album: when it goes out (published by a periodic task).
    release_at = models.DateTimeField(null=True, blank=True)
    artwork = models.FileField(upload_to="albums/", blank=True, max_length=300)
    genres = models.ManyToManyField(Genre, related_name="albums", blank=True)
    label = models.CharField(max_length=200, blank=True)
    upc = models.CharField("UPC", max_length=14, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-release_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["artist", "slug"], name="catalog_album_slug_unique_per_artist"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "published", "unpublished"]),
                name="catalog_album_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(release_at__isnull=False),
                name="catalog_album_scheduled_has_release_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "-release_date"])]

    def __str__(self) -> str:
        return self.title


class Track(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    title = models.CharField(max_length=300)
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="tracks")
    featured_artists = models.ManyToManyField(Artist, related_name="featured_on", blank=True)
    album = models.ForeignKey(Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracks")
    disc_number = models.PositiveSmallIntegerField(default=1)
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    genres = models.ManyToManyField(Genre, related_name="tracks", blank=True)
    explicit = models.BooleanField(default=False)
    isrc = models.CharField("ISRC", max_length=12, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    failure_reason = models.CharField(max_length=500, blank=True)
    original = models.FileField(upload_to="originals/", max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    play_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["album_id", "disc_number", "track_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["album", "disc_number", "track_number"],
                condition=Q(album__isnull=False, track_number__isnull=False),
                name="catalog_track_position_unique",
            ),
            models.CheckConstraint(condition=Q(disc_number__gte=1), name="catalog_track_disc_positive"),
            models.CheckConstraint(
                condition=Q(track_number__isnull=True) | Q(track_number__gte=1), name="catalog_track_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["processing", "ready", "failed"]), name="catalog_track_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["artist", "-play_count"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_playable(self) -> bool:
        """Ready and on a published album: what every listener may play (needs ``album`` loaded)."""
        return (
            self.status == self.Status.READY and self.album is not None and self.album.status == Album.Status.PUBLISHED
        )

    @property
    def duration_seconds(self) -> float | None:
        return None if self.duration_ms is None else self.duration_ms / 1000


class InvitationStatus(models.TextChoices):
    """An invitation's state as the API shows it: answered, revoked and expired ones are deleted."""

    PENDING = "pending", _("Pending")


class ArtistInvitation(models.Model):
    """An owner's offer to someone to help run an artist: a membership once the person accepts.

    It names an account by its username (``user``) or an address (``email``,
    lower-cased), one or the other. Only a pending invitation is kept: one
    answered, revoked or past ``expires_at`` is deleted. ``token_hash`` is the
    SHA-256 of the secret in the mailed link; the secret itself is never stored.
    """

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="artist_invitations"
    )
    email = models.EmailField(blank=True)
    invitee = models.CharField(max_length=254, help_text="The username or address as the owner typed it.")
    role = models.CharField(max_length=16, choices=ArtistMembership.Role.choices, default=ArtistMembership.Role.EDITOR)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artist", "user"], condition=Q(user__isnull=False), name="catalog_invitation_user_unique"
            ),
            models.UniqueConstraint(
                fields=["artist", "email"], condition=~Q(email=""), name="catalog_invitation_email_unique"
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email="")) | (Q(user__isnull=True) & ~Q(email="")),
                name="catalog_invitation_user_or_email",
            ),
            models.CheckConstraint(condition=Q(role__in=["owner", "editor"]), name="catalog_invitation_role_valid"),
        ]
        indexes = [models.Index(fields=["email"], name="catalog_invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.invitee} invited to {self.artist_id}"


class Lyrics(models.Model):
    """A track's words: plain, or synced with a start time per line (and optionally per word).

    A track has at most one draft and one published row. Listeners see the
    published row when they may see the track; the artist's members also see
    and edit the draft, and publishing it replaces the published row. ``lines``
    holds ``[{"start_ms": int | None, "text": str}]``, each line optionally with
    ``"words": [{"start_ms": int, "text": str}]``; ``synced`` says every line has
    a ``start_ms``. The rules a row must keep (size, order, inside the track)
    are in ``catalog.lyrics``.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Source(models.TextChoices):
        TAGS = "tags", _("The file's tags")
        LRC = "lrc", _("An .lrc file")
        EDITOR = "editor", _("The studio's editor")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="lyrics")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    language = models.CharField(max_length=35, blank=True, help_text="A BCP 47 tag, e.g. en or pt-BR.")
    synced = models.BooleanField(default=False)
    lines = models.JSONField(default=list)
    written_by = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.EDITOR)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "lyrics"
        constraints = [
            models.UniqueConstraint(fields=["track", "state"], name="catalog_lyrics_track_state_unique"),
            models.CheckConstraint(condition=Q(state__in=["draft", "published"]), name="catalog_lyrics_state_valid"),
            models.CheckConstraint(
                condition=Q(source__in=["tags", "lrc", "editor"]), name="catalog_lyrics_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Lyrics of {self.track_id} ({self.state})"
