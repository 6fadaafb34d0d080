from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from catalog.api.serializers import TrackSerializer
from core.ids import IdField
from streaming.models import Device, Play, PlaybackState
from streaming.selectors import StreamGrant


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
    true_peak_dbtp = serializers.FloatField(
        help_text="The track's highest true (inter-sample) peak, dBTP: how far it may be turned up without clipping."
    )
    album_loudness_lufs = serializers.FloatField(
        allow_null=True,
        help_text=(
            "EBU R128 integrated loudness of the track's album played in order as one programme, to normalise "
            "an album played in order as a whole (ReplayGain's album mode); null until it is measured, or "
            "for a track on no album."
        ),
    )
    album_true_peak_dbtp = serializers.FloatField(
        allow_null=True, help_text="The highest true peak of the album's tracks, dBTP; null as album_loudness_lufs."
    )
    edge = serializers.CharField(help_text="The region of the edge chosen for you.")
    play_token = serializers.CharField(
        help_text="A signed receipt of this grant, good for one play: send it with every report of that play."
    )


_STREAM_EXPIRES = serializers.DateTimeField()


def stream_body(grant: StreamGrant) -> dict[str, Any]:
    """What ``StreamSerializer(grant).data`` gives, without building a serializer and its fields for every grant.

    The stream grant is the API's hottest answer, and a serializer instance
    deep-copies its twelve fields each time; the serializer stays what the
    schema describes, and a test holds the two equal.
    """
    body = {name: getattr(grant, name) for name in StreamSerializer._declared_fields}
    body["expires_at"] = _STREAM_EXPIRES.to_representation(grant.expires_at)
    return body


class PlayReportSerializer(serializers.Serializer):
    play_token = serializers.CharField(
        required=False, max_length=500, help_text="The `play_token` of the stream grant this play comes from."
    )
    track = serializers.IntegerField()
    ms_played = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000)
    ended = serializers.BooleanField(default=False)
    context_uri = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=(
            "What the player was playing from: the path of the album, playlist or artist page, or a search, "
            "or a radio's uri (`spotifyclone:radio:…`). It tells where the play came from."
        ),
    )


class PlayAcceptedSerializer(serializers.Serializer):
    play_id = serializers.UUIDField(help_text="The play this report belongs to: one per stream grant.")


class PlaySerializer(serializers.ModelSerializer):
    track = TrackSerializer(read_only=True)

    class Meta:
        model = Play
        fields = ("id", "track", "started_at", "ms_played")


# Playback across devices


DEVICE_ID_HELP = "The device's own id: 8 to 64 letters, digits, '-' or '_', made by the client and kept there."


def device_id_field(**kwargs: object) -> serializers.RegexField:
    return serializers.RegexField(r"^[A-Za-z0-9_-]{8,64}$", help_text=DEVICE_ID_HELP, **kwargs)  # type: ignore[arg-type]


class DeviceSerializer(serializers.Serializer):
    id = device_id_field()
    name = serializers.CharField(
        max_length=100,
        help_text=(
            'The device\'s own default name, e.g. "Chrome on Linux": given a number when another of your devices '
            "there now has it, and kept in place of a name you chose."
        ),
    )
    type = serializers.ChoiceField(choices=Device.Type.choices, default=Device.Type.COMPUTER)


class DeviceRenameSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100,
        help_text="The name the listener gives the device; the device's own default no longer replaces it.",
    )


class DeviceListItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    is_active = serializers.BooleanField(help_text="Playback is on this device.")
    is_online = serializers.BooleanField(
        help_text="It asked for the state in the last few minutes: always true, as only such devices are listed."
    )
    last_seen = serializers.DateTimeField()


class DeviceListSerializer(serializers.Serializer):
    devices = DeviceListItemSerializer(many=True)


class PlayerItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    duration_ms = serializers.IntegerField(allow_null=True)
    explicit = serializers.BooleanField()
    artist = serializers.DictField()
    album = serializers.DictField(allow_null=True)
    artwork = serializers.CharField(help_text="64 px cover, or empty.")
    artwork_large = serializers.CharField(help_text="300 px cover, or empty.")


class PlayerStateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="Grows on every change; send it back as ?version= or If-None-Match.")
    device = serializers.DictField(allow_null=True, help_text="The active device: id, name, type.")
    is_playing = serializers.BooleanField()
    item = PlayerItemSerializer(allow_null=True)
    progress_ms = serializers.IntegerField(help_text="The position at `timestamp`, moved on while playing.")
    timestamp = serializers.IntegerField(help_text="Server time of this answer, ms since the epoch.")
    position_ms = serializers.IntegerField(help_text="The position as last reported, true at `reported_at`.")
    reported_at = serializers.DateTimeField()
    shuffle_state = serializers.BooleanField()
    repeat_state = serializers.CharField(help_text="off, context or track.")
    volume_percent = serializers.IntegerField()
    # The metaclass takes declared fields off the class, so this shadows Field.context for the type checker only.
    context = serializers.DictField(help_text="uri, index in the playing order, length.")  # type: ignore[assignment]
    queue_length = serializers.IntegerField()
    next_item = PlayerItemSerializer(allow_null=True, help_text="What `next` would play: fetch it ahead.")


class PlayerQueueSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    currently_playing = PlayerItemSerializer(allow_null=True)
    queue = PlayerItemSerializer(many=True, help_text="Tracks you added, next first.")
    next_in_context = PlayerItemSerializer(many=True, help_text="Then the rest of the context (up to 50).")
    autoplay = PlayerItemSerializer(
        many=True,
        help_text="Once both are over: what autoplay (or the radio) plays on with, if it is on (up to 50).",
    )


class TransferSerializer(serializers.Serializer):
    device_ids = serializers.ListField(child=device_id_field(), min_length=1, max_length=1)
    play = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: play there; false: pause; omitted: as it was."
    )


class OffsetSerializer(serializers.Serializer):
    position = serializers.IntegerField(required=False, min_value=0)
    track = IdField(required=False)

    def validate(self, attrs: dict) -> dict:
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give either position or track."))
        return attrs


class PlayerPlaySerializer(serializers.Serializer):
    device_id = device_id_field(required=False)
    tracks = serializers.ListField(child=IdField(), required=False, max_length=2000, help_text="A new context.")
    context_uri = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    offset = OffsetSerializer(required=False)
    position_ms = serializers.IntegerField(required=False, min_value=0, max_value=24 * 3600 * 1000)

    def validate(self, attrs: dict) -> dict:
        if "offset" in attrs and "tracks" not in attrs:
            raise serializers.ValidationError({"offset": _("An offset needs tracks.")})
        return attrs


class SeekSerializer(serializers.Serializer):
    position_ms = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000)


class QueueAddSerializer(serializers.Serializer):
    track = IdField()
    position = serializers.ChoiceField(choices=["next", "end"], default="end", help_text="next: play it next.")


class QueueSetSerializer(serializers.Serializer):
    tracks = serializers.ListField(child=IdField(), max_length=500, allow_empty=True)


class ShuffleSerializer(serializers.Serializer):
    state = serializers.BooleanField()


class RepeatSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=PlaybackState.Repeat.choices)


class VolumeSerializer(serializers.Serializer):
    volume_percent = serializers.IntegerField(min_value=0, max_value=100)


class StateReportSerializer(serializers.Serializer):
    device_id = device_id_field()
    position_ms = serializers.IntegerField(min_value=0, max_value=24 * 3600 * 1000)
    is_playing = serializers.BooleanField()
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version the device last saw; an older one is refused (409)."
    )
    volume_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)
