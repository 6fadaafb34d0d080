from rest_framework import serializers

from subscriptions.models import Subscription


class SubscriptionPeriodSerializer(serializers.ModelSerializer):
    """One period of a paid plan, running or over."""

    class Meta:
        model = Subscription
        fields = ["plan", "provider", "started_at", "ends_at", "ended_at"]
        extra_kwargs = {
            "provider": {"help_text": "Where it came from: `trial`, `staff`, or a payment provider's name."},
            "ends_at": {"help_text": "When it is due to end; null: until it is ended."},
            "ended_at": {"help_text": "When it ended; null while it runs."},
        }


class SubscriptionStateSerializer(serializers.Serializer):
    """The listener's plan, until when, whether the trial is theirs to start, and their periods."""

    plan = serializers.CharField(help_text="`free` or `premium`: what every grant applies.")
    bitrate_cap = serializers.IntegerField(help_text="kbit/s: the best the plan streams.")
    ends_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the plan goes back to free; null on the free plan and while it runs until ended.",
    )
    on_trial = serializers.BooleanField()
    trial_available = serializers.BooleanField(
        help_text="Whether `POST /api/v1/me/subscription/trial/` would start it."
    )
    trial_days = serializers.IntegerField()
    history = SubscriptionPeriodSerializer(many=True, help_text="The periods, latest first (the last 50).")
