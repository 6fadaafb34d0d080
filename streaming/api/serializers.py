from rest_framework import serializers

from catalog.api.serializers import TrackSerializer
from streaming.models import Play


class StreamSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Signed progressive URL (AAC in MP4, index at the front).")
    hls_url = serializers.URLField(help_text="Signed HLS master playlist; its relative URIs carry the same token.")
    expires_at = serializers.DateTimeField()
    format = serializers.CharField()
    codec = serializers.CharField()
    bitrate = serializers.IntegerField(help_text="kbit/s of `url`: the best your plan and quality setting allow.")
    bitrates = serializers.ListField(child=serializers.IntegerField(), help_text="kbit/s you may stream.")
    duration_ms = serializers.IntegerField()
    loudness_lufs = serializers.FloatField(help_text="EBU R128 integrated loudness, to normalise playback.")
    true_peak_dbtp = serializers.FloatField()
    edge = serializers.CharField(help_text="The region of the edge chosen for you.")


class PlayReportSerializer(serializers.Serializer):
    play_id = serializers.UUIDField(required=False, help_text="From the first report of this play; omit to start one.")
    track = serializers.IntegerField()
    ms_played = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000)
    ended = serializers.BooleanField(default=False)


class PlayAcceptedSerializer(serializers.Serializer):
    play_id = serializers.UUIDField()


class PlaySerializer(serializers.ModelSerializer):
    track = TrackSerializer(read_only=True)

    class Meta:
        model = Play
        fields = ("id", "track", "started_at", "ms_played")
