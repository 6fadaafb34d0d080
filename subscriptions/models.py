from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Profile


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def running(self, *, at: datetime | None = None) -> "SubscriptionQuerySet":
        """Periods not ended and not past their end at ``at`` (now by default)."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), ended_at__isnull=True, started_at__lte=at)

    def due(self, *, at: datetime) -> "SubscriptionQuerySet":
        """Periods still marked running whose end has come by ``at``: what the expiry task ends."""
        return self.filter(ended_at__isnull=True, ends_at__lte=at)


class Subscription(models.Model):
    """One period of a paid plan for one listener, as a provider started it; rows are kept once ended.

    ``Profile.plan`` is what the rest of the code reads; the services of this
    app set it from the periods that are running (``subscriptions/services.py``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.CharField(max_length=16, choices=Profile.Plan.choices, default=Profile.Plan.PREMIUM)
    # The provider's name (subscriptions/providers.py): "staff", "trial", or a payment provider's.
    provider = models.CharField(max_length=32)
    # The provider's own reference for this period (a payment provider's subscription id), if any.
    external_id = models.CharField(max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until it is ended.")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it ended; empty while it runs.")

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # A listener may try Premium once, ever: the row stays when the trial ends.
            models.UniqueConstraint(fields=["user"], condition=Q(provider="trial"), name="subscriptions_one_trial"),
            models.CheckConstraint(condition=~Q(plan=Profile.Plan.FREE), name="subscriptions_paid_plan"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("started_at")),
                name="subscriptions_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="subscriptions_ended_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(provider="trial") | Q(ends_at__isnull=False), name="subscriptions_trial_ends"
            ),
        ]
        indexes = [
            # The expiry task's question, every minute: which running periods are past their end.
            models.Index(fields=["ends_at"], condition=Q(ended_at__isnull=True), name="subscriptions_running_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_plan_display()} for user {self.user_id} ({self.provider})"
