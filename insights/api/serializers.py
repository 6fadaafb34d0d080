from rest_framework import serializers

from insights.periods import DEFAULT_PERIOD, PERIODS
from streaming.models import Play


class InsightsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=list(PERIODS),
        default=DEFAULT_PERIOD,
        help_text="24h: the last 24 hours, live; 7d, 28d, 365d: the last days, today (UTC) included.",
    )


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CountrySerializer(serializers.Serializer):
    country = serializers.CharField(source="key", help_text="ISO 3166-1 alpha-2; empty when unknown.")
    streams = serializers.IntegerField()


class SourceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(source="key", choices=Play.Source.choices)  # type: ignore[assignment] # the name in the body
    streams = serializers.IntegerField()


class PointSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The day (UTC midnight) or, for 24h, the hour the figures are of.")
    streams = serializers.IntegerField()
    listeners = serializers.IntegerField(allow_null=True, help_text="Distinct listeners of the day; null for an hour.")


LISTENERS_HELP = (
    "Distinct listeners over the period: one who listened on several days counts once. 24h: live. "
    "7d, 28d, 365d: as the roll-up last counted them (see listeners_as_of)."
)
LISTENERS_AS_OF_HELP = (
    "When the listeners of 7d, 28d or 365d were counted: every 10 minutes for 7d and 28d, once a day for 365d. "
    "Null for 24h (live) and when no listener was counted in the period."
)


class TotalSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    streams = serializers.IntegerField()
    listeners = serializers.IntegerField(help_text=LISTENERS_HELP)
    listeners_as_of = serializers.DateTimeField(allow_null=True, help_text=LISTENERS_AS_OF_HELP)


class TopTrackSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="track_id")
    name = serializers.CharField(source="title")
    streams = serializers.IntegerField()
    listeners = serializers.IntegerField(help_text="The track's distinct listeners over the period, as counted.")


class InsightsSerializer(serializers.Serializer):
    period = serializers.CharField(source="figures.period.key")
    start = serializers.DateTimeField(source="figures.start")
    end = serializers.DateTimeField(source="figures.end")
    live_counters = serializers.BooleanField(
        source="figures.from_live_counters",
        help_text="For 24h: true when read from the live counters, false when counted from the recorded plays.",
    )
    streams = serializers.IntegerField(source="figures.streams", help_text="Plays that counted (30 s or more).")
    listeners = serializers.IntegerField(source="figures.listeners", help_text=LISTENERS_HELP)
    listeners_as_of = serializers.DateTimeField(
        source="figures.listeners_as_of", allow_null=True, help_text=LISTENERS_AS_OF_HELP
    )
    skips = serializers.IntegerField(
        source="figures.skips", help_text="Plays stopped under 30 s before the end (24h: today's, UTC)."
    )
    skip_rate = serializers.FloatField(
        source="figures.skip_rate", allow_null=True, help_text="skips / (streams + skips); null without plays."
    )
    saves = serializers.IntegerField(source="figures.saves", help_text="Likes added (24h: today's, UTC).")
    playlist_adds = serializers.IntegerField(
        source="figures.playlist_adds", help_text="Additions to playlists (24h: today's, UTC)."
    )
    countries = CountrySerializer(source="figures.countries", many=True, help_text="The ten with most streams.")
    sources = SourceSerializer(source="figures.sources", many=True, help_text="Where the streams were started.")
    series = PointSerializer(
        source="figures.series", many=True, help_text="Each day (each hour for 24h), oldest first."
    )
    totals = TotalSerializer(many=True, help_text="Streams and listeners of every period, for comparison.")


class ArtistInsightsSerializer(InsightsSerializer):
    artist = NamedSerializer()
    top_tracks = TopTrackSerializer(many=True, help_text="The ten most streamed tracks of the period.")


class TrackInsightsSerializer(InsightsSerializer):
    track = NamedSerializer()
    artist = NamedSerializer()
