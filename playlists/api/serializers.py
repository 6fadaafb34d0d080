from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from catalog.api.serializers import AlbumSerializer, ArtistSerializer, ArtworkField, PendingStatusField, TrackSerializer
from playlists.models import (
    MAX_ITEMS,
    FollowedArtist,
    LikedTrack,
    Playlist,
    PlaylistInvitation,
    PlaylistItem,
    SavedAlbum,
)
from playlists.services import MAX_ID
from playlists.services.items import MAX_ADD
from playlists.services.library import MAX_IDS

SNAPSHOT_HELP = "The snapshot_id you last saw: the change is refused with 409 stale_snapshot if the playlist changed."


class UserRefSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="public_name", read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "display_name")
        read_only_fields = fields


class PlaylistImagesField(ArtworkField):
    """The uploaded cover, else the mosaic of the first tracks' artwork, at every size (or null)."""

    def get_attribute(self, instance: Playlist) -> Any:
        return instance.cover if instance.cover else instance.mosaic


class PlaylistSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)
    images = PlaylistImagesField()
    share_url = serializers.SerializerMethodField(
        help_text="The link that opens the playlist for anyone who has it; for the owner only, null when revoked."
    )

    class Meta:
        model = Playlist
        fields: tuple[str, ...] = (
            "id",
            "name",
            "description",
            "owner",
            "visibility",
            "collaborative",
            "item_count",
            "follower_count",
            "snapshot_id",
            "images",
            "share_url",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, playlist: Playlist) -> str | None:
        request = self.context.get("request")
        if request is None or playlist.owner_id != request.user.pk or not playlist.share_token:
            return None
        return request.build_absolute_uri(reverse("playlists:shared", args=[playlist.share_token]))


class CollaboratorSerializer(serializers.Serializer):
    user = UserRefSerializer(read_only=True)
    added_at = serializers.DateTimeField(read_only=True)


class PlaylistDetailSerializer(PlaylistSerializer):
    collaborators = CollaboratorSerializer(source="collaborator_links", many=True, read_only=True)

    class Meta(PlaylistSerializer.Meta):
        fields = (*PlaylistSerializer.Meta.fields, "collaborators")
        read_only_fields = fields


class PlaylistWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Playlist.Visibility.choices, required=False)
    collaborative = serializers.BooleanField(required=False)
    snapshot_id = serializers.CharField(max_length=32, required=False, help_text=SNAPSHOT_HELP)


class PlaylistItemSerializer(serializers.ModelSerializer):
    track = TrackSerializer(read_only=True, allow_null=True, help_text="Null when the track was deleted.")
    added_by = UserRefSerializer(read_only=True, allow_null=True)
    is_available = serializers.SerializerMethodField(help_text="False when the track cannot be played any more.")

    class Meta:
        model = PlaylistItem
        fields = ("id", "track", "track_title", "artist_name", "is_available", "added_by", "added_at")
        read_only_fields = fields

    def get_is_available(self, item: PlaylistItem) -> bool:
        return item.track is not None and item.track.is_playable


class SnapshotSerializer(serializers.Serializer):
    snapshot_id = serializers.CharField()


class ItemsAddSerializer(serializers.Serializer):
    track_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=MAX_ADD
    )
    position = serializers.IntegerField(
        min_value=0, max_value=MAX_ITEMS, required=False, help_text="Index to insert at (0: first); omit for the end."
    )
    snapshot_id = serializers.CharField(max_length=32, required=False, help_text=SNAPSHOT_HELP)


class ItemsRemoveSerializer(serializers.Serializer):
    item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=MAX_ADD
    )
    track_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_ADD,
        help_text="Every occurrence goes.",
    )
    snapshot_id = serializers.CharField(max_length=32, required=False, help_text=SNAPSHOT_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("item_ids") and not attrs.get("track_ids"):
            raise serializers.ValidationError(
                _("Name the item_ids or the track_ids to remove."), code="nothing_to_remove"
            )
        return attrs


class ItemsReorderSerializer(serializers.Serializer):
    range_start = serializers.IntegerField(min_value=0, max_value=MAX_ITEMS)
    range_length = serializers.IntegerField(min_value=1, max_value=MAX_ITEMS, default=1)
    insert_before = serializers.IntegerField(
        min_value=0, max_value=MAX_ITEMS, help_text="Index, before the move, of the item to move the range before."
    )
    snapshot_id = serializers.CharField(max_length=32, required=False, help_text=SNAPSHOT_HELP)


class ItemMoveSerializer(serializers.Serializer):
    before_item_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, help_text="The item to move before; null: to the end."
    )
    snapshot_id = serializers.CharField(max_length=32, required=False, help_text=SNAPSHOT_HELP)


class CollaboratorAddSerializer(serializers.Serializer):
    user = serializers.CharField(
        max_length=254,
        help_text="Username or e-mail address of the person to invite: a collaborator once they accept.",
    )


class PlaylistInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the playlist's owner sees it: the person as they typed them, nothing more."""

    invitee = serializers.CharField(read_only=True, help_text="The username or address as it was typed.")
    status = PendingStatusField()

    class Meta:
        model = PlaylistInvitation
        fields = ("id", "invitee", "status", "created_at", "expires_at")
        read_only_fields = fields


class PlaylistRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Playlist
        fields = ("id", "name")
        read_only_fields = fields


class MyPlaylistInvitationSerializer(serializers.ModelSerializer):
    """An invitation to collaborate as the person invited sees it."""

    playlist = PlaylistRefSerializer(read_only=True)
    invited_by = serializers.CharField(source="invited_by.public_name", read_only=True, allow_null=True, default=None)
    status = PendingStatusField()
    answer_with_link = serializers.SerializerMethodField(
        help_text="True when it was sent to your address: accept or decline it with the token of the mailed link."
    )

    class Meta:
        model = PlaylistInvitation
        fields = ("id", "playlist", "invited_by", "status", "created_at", "expires_at", "answer_with_link")
        read_only_fields = fields

    def get_answer_with_link(self, invitation: PlaylistInvitation) -> bool:
        return invitation.user_id is None


class CopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class IdsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=MAX_IDS
    )


class LikedTrackSerializer(serializers.ModelSerializer):
    track = TrackSerializer(read_only=True)

    class Meta:
        model = LikedTrack
        fields = ("added_at", "track")


class SavedAlbumSerializer(serializers.ModelSerializer):
    album = AlbumSerializer(read_only=True)

    class Meta:
        model = SavedAlbum
        fields = ("added_at", "album")


class FollowedArtistSerializer(serializers.ModelSerializer):
    artist = ArtistSerializer(read_only=True)

    class Meta:
        model = FollowedArtist
        fields = ("added_at", "artist")


class LibrarySortSerializer(serializers.Serializer):
    """``?sort=`` of one part of the library: one of its names in ``LIBRARY_SORTS``, ``recent`` when left out."""

    def __init__(self, *args: Any, part: str, **kwargs: Any) -> None:
        from playlists.selectors import LIBRARY_SORTS

        super().__init__(*args, **kwargs)
        self.fields["sort"] = serializers.ChoiceField(choices=list(LIBRARY_SORTS[part]), default="recent")
