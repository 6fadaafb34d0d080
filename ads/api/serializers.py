from rest_framework import serializers


class AdSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The campaign.")
    title = serializers.CharField()
    duration_ms = serializers.IntegerField()
    url = serializers.URLField(help_text="Signed progressive URL of the ad's audio (AAC in MP4).")
    hls_url = serializers.URLField(help_text="Signed HLS master playlist of the ad's audio.")
    image = serializers.URLField(allow_null=True, help_text="The picture to show while it plays.")
    click_url = serializers.URLField(
        allow_null=True, help_text="Open it in a new window when the listener clicks the ad: it counts the click."
    )
    text = serializers.CharField(help_text="The words to show beside the picture.")


class AdBreakSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    ads = AdSerializer(many=True, help_text="Play them in this order; none when there is no ad for you now.")
    duration_ms = serializers.IntegerField(help_text="The ads' total length: complete the break after it.")
    started_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
