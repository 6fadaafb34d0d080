"""What the Subsonic API keeps of its own: each listener's Subsonic password and API key, and ratings."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SubsonicCredential(models.Model):
    """A listener's secrets for music apps, never their account password.

    The Subsonic token scheme (``t`` = md5(password + salt)) needs the password
    itself to check a token, so it is kept encrypted with a key from settings
    (``subsonic/secrets.py``), not hashed. An app sends its API key alone,
    with no username, so the key is found by its SHA-256 (``api_key_hash``,
    indexed); it is kept encrypted beside it only so that the account page can
    show it again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="subsonic_credential"
    )
    password_encrypted = models.TextField()
    api_key_hash = models.CharField(max_length=64, unique=True)
    api_key_encrypted = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Subsonic credential of user {self.user_id}"


class Rating(models.Model):
    """A listener's rating (1 to 5 stars) of a song, an album or an artist, as Subsonic apps set it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subsonic_ratings")
    item = models.CharField(max_length=32, help_text="The Subsonic id: tr-…, al-… or ar-…")
    rating = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="subsonic_rating_unique"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="subsonic_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} rates {self.item} {self.rating}"
