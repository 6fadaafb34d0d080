from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.artwork import ARTWORK_SIZES, artwork_url
from catalog.models import Album, Artist, ArtistInvitation, ArtistMembership, Genre, InvitationStatus, Track
from core.ids import IdField

User = get_user_model()


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {str(size): {"type": "string", "format": "uri"} for size in ARTWORK_SIZES},
    }
)
class ArtworkField(serializers.Field):
    """Every size of an artwork as ``{"64": url, "300": url, "640": url}``, or null.

    The URLs are absolute, as the schema says: storage on disk answers a path
    (``/media/...``), which is made a URL on the host the request came to.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        if not value:
            return None
        urls = {str(size): artwork_url(value.name, size) for size in ARTWORK_SIZES}
        request = self.context.get("request")
        if request is None:
            return urls
        return {size: request.build_absolute_uri(url) for size, url in urls.items()}


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ("id", "name", "slug")


class ArtistRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artist
        fields = ("id", "name", "slug")


class ArtistSerializer(serializers.ModelSerializer):
    image = ArtworkField()

    class Meta:
        model = Artist
        fields = ("id", "name", "slug", "bio", "image", "verified")
        read_only_fields = ("slug", "verified")


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.public_name", read_only=True)

    class Meta:
        model = ArtistMembership
        fields = ("user_id", "username", "display_name", "role", "created_at")


class MemberAddSerializer(serializers.Serializer):
    user = serializers.CharField(
        max_length=254, help_text="Username or e-mail address of the person to invite: a member once they accept."
    )
    role = serializers.ChoiceField(choices=ArtistMembership.Role.choices, default=ArtistMembership.Role.EDITOR)


@extend_schema_field(serializers.ChoiceField(choices=InvitationStatus.choices))
class PendingStatusField(serializers.Field):
    """Answered, revoked and expired invitations are deleted: every one shown waits for an answer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value: Any) -> str:
        return InvitationStatus.PENDING.value


class ArtistInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the artist's owners see it: the person as they typed them, nothing more."""

    invitee = serializers.CharField(read_only=True, help_text="The username or address as it was typed.")
    status = PendingStatusField()

    class Meta:
        model = ArtistInvitation
        fields = ("id", "invitee", "role", "status", "created_at", "expires_at")
        read_only_fields = fields


class MyArtistInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the person invited sees it."""

    artist = ArtistRefSerializer(read_only=True)
    invited_by = serializers.CharField(source="invited_by.public_name", read_only=True, allow_null=True, default=None)
    status = PendingStatusField()
    answer_with_link = serializers.SerializerMethodField(
        help_text="True when it was sent to your address: accept or decline it with the token of the mailed link."
    )

    class Meta:
        model = ArtistInvitation
        fields = ("id", "artist", "role", "invited_by", "status", "created_at", "expires_at", "answer_with_link")
        read_only_fields = fields

    def get_answer_with_link(self, invitation: ArtistInvitation) -> bool:
        return invitation.user_id is None


class InvitationAnswerSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="The last part of the mailed link: needed for an invitation sent to your address.",
    )


class MembershipSerializer(serializers.ModelSerializer):
    """One of your memberships: the artist and your role in it."""

    artist = ArtistRefSerializer(read_only=True)

    class Meta:
        model = ArtistMembership
        fields = ("artist", "role", "created_at")
        read_only_fields = fields


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ArtistMembership.Role.choices)


class OwnershipTransferSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="Username or email address of the new owner.")


class AlbumRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Album
        fields: tuple[str, ...] = ("id", "title", "slug")


class TrackSerializer(serializers.ModelSerializer):
    artist = ArtistRefSerializer(read_only=True)
    featured_artists = ArtistRefSerializer(many=True, read_only=True)
    album = AlbumRefSerializer(read_only=True, allow_null=True, help_text="Null while the track is on no album.")
    genres = GenreSerializer(many=True, read_only=True)

    class Meta:
        model = Track
        fields: tuple[str, ...] = (
            "id",
            "title",
            "artist",
            "featured_artists",
            "album",
            "disc_number",
            "track_number",
            "duration_ms",
            "explicit",
            "isrc",
            "year",
            "genres",
            "status",
            "play_count",
        )
        read_only_fields = fields


class UploadSerializer(TrackSerializer):
    """A track as its artist's members see it: with its processing state and file name."""

    class Meta(TrackSerializer.Meta):
        fields = (*TrackSerializer.Meta.fields, "failure_reason", "original_filename", "created_at")
        read_only_fields = fields


class UploadCreateSerializer(serializers.Serializer):
    artist = IdField(help_text="Id of the artist the track is uploaded for.")
    file = serializers.FileField(help_text="An audio file: MP3, FLAC, Ogg, Opus, M4A/AAC, ALAC, WAV or AIFF.")
    lyrics = serializers.FileField(
        required=False, help_text="An .lrc (or plain text) file of the track's lyrics: kept as their draft."
    )


class TrackUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    explicit = serializers.BooleanField(required=False)
    isrc = serializers.CharField(max_length=15, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1000, max_value=2999, required=False, allow_null=True)
    genres = serializers.SlugRelatedField(slug_field="slug", queryset=Genre.objects.all(), many=True, required=False)
    featured_artists = serializers.PrimaryKeyRelatedField(queryset=Artist.objects.all(), many=True, required=False)


class AlbumSerializer(serializers.ModelSerializer):
    artist = ArtistRefSerializer(read_only=True)
    artwork = ArtworkField()
    genres = GenreSerializer(many=True, read_only=True)

    class Meta:
        model = Album
        fields: tuple[str, ...] = (
            "id",
            "title",
            "slug",
            "artist",
            "album_type",
            "release_date",
            "artwork",
            "genres",
            "label",
            "upc",
            "status",
            "release_at",
            "published_at",
        )
        read_only_fields = fields


class AlbumDetailSerializer(AlbumSerializer):
    tracks = TrackSerializer(many=True, read_only=True)

    class Meta(AlbumSerializer.Meta):
        fields = (*AlbumSerializer.Meta.fields, "tracks")
        read_only_fields = fields


class AlbumWriteSerializer(serializers.Serializer):
    artist = IdField(help_text="Id of the artist (on creation only).", required=False)
    title = serializers.CharField(max_length=300, required=False)
    album_type = serializers.ChoiceField(choices=Album.Type.choices, required=False)
    release_date = serializers.DateField(required=False, allow_null=True)
    # A field called "label" shadows Field.label for type checkers only; DRF takes it off the class.
    label = serializers.CharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
    upc = serializers.RegexField(r"^\d{12,14}$", required=False, allow_blank=True)
    genres = serializers.SlugRelatedField(slug_field="slug", queryset=Genre.objects.all(), many=True, required=False)


class AlbumTracksAddSerializer(serializers.Serializer):
    track_ids = serializers.ListField(child=IdField(), min_length=1, max_length=500)
    disc_number = serializers.IntegerField(min_value=1, max_value=99, default=1)


class AlbumOrderItemSerializer(serializers.Serializer):
    track = IdField()
    disc = serializers.IntegerField(min_value=1, max_value=99, default=1)


class AlbumOrderSerializer(serializers.Serializer):
    order = AlbumOrderItemSerializer(many=True)


class AlbumScheduleSerializer(serializers.Serializer):
    release_at = serializers.DateTimeField()


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at least 64×64 pixels; cropped to a square.")
