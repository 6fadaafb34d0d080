from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def _avatar_path(instance: "User", filename: str) -> str:
    return f"avatars/{instance.pk}/{filename}"


class User(AbstractUser):
    """A person with a login: a listener, an artist's member, or staff."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=100, blank=True)
    avatar = models.ImageField(upload_to=_avatar_path, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "user"
        constraints = [
            # Sign-in is case-insensitive, so the same name or address in
            # another case must not belong to a second account.
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


MAX_CROSSFADE_SECONDS = 12


class Profile(models.Model):
    """What a listener pays for and how they like to listen."""

    class Plan(models.TextChoices):
        FREE = "free", _("Free")
        PREMIUM = "premium", _("Premium")

    class Quality(models.TextChoices):
        AUTO = "auto", _("Automatic")
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        VERY_HIGH = "very_high", _("Very high")

    # kbit/s: the best a plan may stream, and what each quality asks for.
    PLAN_BITRATE_CAPS = {Plan.FREE: 160, Plan.PREMIUM: 320}
    QUALITY_BITRATES = {Quality.LOW: 64, Quality.NORMAL: 96, Quality.HIGH: 160, Quality.VERY_HIGH: 320}

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    country = CountryField(blank=True, help_text="Where you listen from; picks the nearest edge.")
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    streaming_quality = models.CharField(max_length=16, choices=Quality.choices, default=Quality.AUTO)
    explicit_content = models.BooleanField(default=True, help_text="Play tracks marked explicit.")
    private_session = models.BooleanField(
        default=False, help_text="Listen without adding to your history or to play counts."
    )
    autoplay = models.BooleanField(default=True, help_text="When the music you play ends, keep playing similar tracks.")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    # The web player fades one track into the next over this many seconds; 0 is off. An album's
    # next track, played in order, follows without a gap and is never crossfaded.
    crossfade_seconds = models.PositiveSmallIntegerField(
        _("crossfade"),
        default=0,
        validators=[MaxValueValidator(MAX_CROSSFADE_SECONDS)],
        help_text=_("Seconds over which one track fades into the next (0: off)."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__in=["free", "premium"]), name="accounts_profile_plan_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(crossfade_seconds__lte=MAX_CROSSFADE_SECONDS),
                name="accounts_profile_crossfade_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of user {self.user_id}"

    @property
    def bitrate_cap(self) -> int:
        """The highest bitrate (kbit/s) this listener's plan may stream."""
        return self.PLAN_BITRATE_CAPS[self.Plan(self.plan)]

    @property
    def stream_bitrate(self) -> int:
        """The bitrate (kbit/s) to stream at: the chosen quality, within the plan's cap."""
        if self.streaming_quality == self.Quality.AUTO:
            return self.bitrate_cap
        return min(self.QUALITY_BITRATES[self.Quality(self.streaming_quality)], self.bitrate_cap)
