"""Playlists, their items and who shares them, and each listener's library."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Album, Artist, Track

MAX_ITEMS = 10_000


def new_snapshot_id() -> str:
    return secrets.token_urlsafe(12)


def new_share_token() -> str:
    return secrets.token_urlsafe(16)


class Playlist(models.Model):
    """A listener's ordered list of tracks.

    ``snapshot_id`` changes with every change of its content or details, so
    that a client can say which version it edited. ``item_count`` and
    ``follower_count`` are kept in step by the services.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        UNLISTED = "unlisted", _("Unlisted")
        PRIVATE = "private", _("Private")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    # Uploaded by the owner: the name of its largest size (see catalog.artwork).
    cover = models.FileField(upload_to="playlists/", blank=True, max_length=300)
    # Made from the first tracks' artwork while no cover is uploaded.
    mosaic = models.FileField(upload_to="playlists/", blank=True, max_length=300)
    # The artwork names the mosaic was made of, so that it is only remade when they change.
    mosaic_source = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    share_token = models.CharField(max_length=32, unique=True, null=True, blank=True, default=new_share_token)
    collaborative = models.BooleanField(default=False)
    collaborators = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="PlaylistCollaborator", related_name="collaborations"
    )
    snapshot_id = models.CharField(max_length=32, default=new_snapshot_id)
    item_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "unlisted", "private"]), name="playlists_visibility_valid"
            ),
            models.CheckConstraint(condition=Q(item_count__lte=MAX_ITEMS), name="playlists_item_count_capped"),
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"]), models.Index(fields=["visibility", "-updated_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def artwork_name(self) -> str:
        """The stored name of the picture to show: the uploaded cover, else the mosaic, else ""."""
        return self.cover.name or self.mosaic.name or ""


class PlaylistCollaborator(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="collaborator_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborator_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["playlist", "user"], name="playlists_collaborator_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} edits {self.playlist_id}"


class PlaylistItem(models.Model):
    """One track at one place in a playlist.

    ``position`` is a sparse rank, not an index: a new or moved item takes a
    number between its neighbours', so that adding, removing and moving touch
    only the rows concerned (see docs/playlists.md). The title and artist are
    kept so that a deleted track still says what it was.
    """

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="playlist_items")
    position = models.BigIntegerField()
    track_title = models.CharField(max_length=300)
    artist_name = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playlist", "position"], name="playlists_item_position_unique"),
        ]
        # The insights' roll-up reads the items added in a few days (docs/insights.md).
        indexes = [models.Index(fields=["added_at"], name="playlists_item_added_idx")]

    def __str__(self) -> str:
        return f"{self.track_title} in {self.playlist_id} at {self.position}"


class PlaylistFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlist_follows")
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="follows")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "playlist"], name="playlists_follow_unique")]
        indexes = [models.Index(fields=["user", "-added_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows playlist {self.playlist_id}"


class LikedTrack(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liked_tracks")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="likes")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "track"], name="playlists_liked_track_unique")]
        indexes = [
            models.Index(fields=["user", "-added_at"]),
            # The insights' roll-up reads the likes added in a few days (docs/insights.md).
            models.Index(fields=["added_at"], name="playlists_liked_added_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes track {self.track_id}"


class SavedAlbum(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_albums")
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="saves")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "album"], name="playlists_saved_album_unique")]
        indexes = [models.Index(fields=["user", "-added_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} saved album {self.album_id}"


class FollowedArtist(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_artists")
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="follows")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "artist"], name="playlists_followed_artist_unique")]
        indexes = [models.Index(fields=["user", "-added_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows artist {self.artist_id}"


class PlaylistInvitation(models.Model):
    """The owner's offer to someone to collaborate on a playlist: a collaborator once the person accepts.

    It names an account by its username (``user``) or an address (``email``,
    lower-cased), one or the other. Only a pending invitation is kept: one
    answered, revoked or past ``expires_at`` is deleted. ``token_hash`` is the
    SHA-256 of the secret in the mailed link; the secret itself is never stored.
    """

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="playlist_invitations"
    )
    email = models.EmailField(blank=True)
    invitee = models.CharField(max_length=254, help_text="The username or address as the owner typed it.")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["playlist", "user"], condition=Q(user__isnull=False), name="playlists_invitation_user_unique"
            ),
            models.UniqueConstraint(
                fields=["playlist", "email"], condition=~Q(email=""), name="playlists_invitation_email_unique"
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email="")) | (Q(user__isnull=True) & ~Q(email="")),
                name="playlists_invitation_user_or_email",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="playlists_invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.invitee} invited to {self.playlist_id}"
