from django.conf import settings
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from accounts.models import MAX_CROSSFADE_SECONDS, Profile, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField()
    refresh_token = serializers.CharField()
    scope = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, help_text="Held to the site's password rules."
    )


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person: account, plan and listening preferences in one object."""

    country = CountryField(source="profile.country", required=False, allow_blank=True)
    plan = serializers.CharField(source="profile.plan", read_only=True)
    bitrate_cap = serializers.IntegerField(source="profile.bitrate_cap", read_only=True, help_text="kbit/s")
    stream_bitrate = serializers.IntegerField(source="profile.stream_bitrate", read_only=True, help_text="kbit/s")
    streaming_quality = serializers.ChoiceField(
        source="profile.streaming_quality", choices=Profile.Quality.choices, required=False
    )
    explicit_content = serializers.BooleanField(source="profile.explicit_content", required=False)
    private_session = serializers.BooleanField(source="profile.private_session", required=False)
    autoplay = serializers.BooleanField(
        source="profile.autoplay", required=False, help_text="Similar tracks play on when the music runs out."
    )
    crossfade_seconds = serializers.IntegerField(
        source="profile.crossfade_seconds",
        required=False,
        min_value=0,
        max_value=MAX_CROSSFADE_SECONDS,
        help_text="The web player fades one track into the next over this many seconds (0: off). "
        "An album's next track, played in order, follows without a gap and is never crossfaded.",
    )
    language = serializers.ChoiceField(source="profile.language", choices=settings.LANGUAGES, required=False)
    avatar_url = serializers.SerializerMethodField()
    current_password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Required to change `email`.",
    )

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "display_name",
            "avatar_url",
            "date_joined",
            "country",
            "plan",
            "bitrate_cap",
            "stream_bitrate",
            "streaming_quality",
            "explicit_content",
            "private_session",
            "autoplay",
            "crossfade_seconds",
            "language",
            "current_password",
        )
        read_only_fields = ("id", "username", "date_joined")

    def get_avatar_url(self, obj: User) -> str | None:
        return obj.avatar.url if obj.avatar else None
