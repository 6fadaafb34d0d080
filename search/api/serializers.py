from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from catalog.api.serializers import AlbumSerializer, ArtistSerializer, GenreSerializer, TrackSerializer
from search.backends import KINDS

MAX_OFFSET = 1000


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200, trim_whitespace=True, help_text="What to look for: words, half-words, typos."
    )
    type = serializers.CharField(
        required=False,
        default=",".join(KINDS),
        help_text="Comma-separated kinds to search: track, artist, album, playlist (all four by default).",
    )
    genre = serializers.SlugField(required=False, default="", help_text="Only results of this genre (its slug).")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, default=0)

    def validate_type(self, value: str) -> tuple[str, ...]:
        kinds = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown or not kinds:
            raise serializers.ValidationError(
                _("Unknown type %(value)s: use track, artist, album or playlist.")
                % {"value": ", ".join(unknown) or "(none)"},
                code="invalid_type",
            )
        return kinds


class SuggestParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=8)


class PlaylistResultSerializer(serializers.Serializer):
    """Enough of a playlist to show it among results; its own endpoint has the rest."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    visibility = serializers.CharField()
    owner = serializers.SerializerMethodField()

    def get_owner(self, playlist: Any) -> dict[str, Any]:
        return {
            "id": playlist.owner_id,
            "username": playlist.owner.username,
            "display_name": playlist.owner.public_name,
        }


class TrackResultSerializer(TrackSerializer):
    lyrics_line = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="When the track was found by its lyrics: the line that holds the words asked for.",
    )

    class Meta(TrackSerializer.Meta):
        fields = (*TrackSerializer.Meta.fields, "lyrics_line")


ITEM_SERIALIZERS: dict[str, type[serializers.BaseSerializer]] = {
    "track": TrackSerializer,
    "artist": ArtistSerializer,
    "album": AlbumSerializer,
    "playlist": PlaylistResultSerializer,
}


def _page(item: type[serializers.BaseSerializer], name: str) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "items": item(many=True),
            "total": serializers.IntegerField(),
            "limit": serializers.IntegerField(),
            "offset": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
        },
    )


class SearchResultsSerializer(serializers.Serializer):
    """Only the kinds asked for are present."""

    tracks = _page(TrackResultSerializer, "TrackResultPage")(required=False)
    artists = _page(ArtistSerializer, "ArtistResultPage")(required=False)
    albums = _page(AlbumSerializer, "AlbumResultPage")(required=False)
    playlists = _page(PlaylistResultSerializer, "PlaylistResultPage")(required=False)


class SuggestionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField()
    name = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="The page of this result on the website.")


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)


class RecentSearchesSerializer(serializers.Serializer):
    items = SuggestionSerializer(many=True)


class RecentSearchSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class AlbumsByTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    albums = AlbumSerializer(many=True)


class ArtistBrowseSerializer(serializers.Serializer):
    artist = ArtistSerializer()
    top_tracks = TrackSerializer(many=True, help_text="The ten most played, most played first.")
    albums_by_type = AlbumsByTypeSerializer(many=True)
    appears_on = AlbumSerializer(many=True, help_text="Other artists' albums with a track featuring this one.")
    related_artists = ArtistSerializer(
        many=True, help_text="Artists sharing the most genres with this one, the more popular first."
    )


class GenreBrowseSerializer(serializers.Serializer):
    genre = GenreSerializer()
    popular = TrackSerializer(many=True, help_text="The twenty most played tracks of this genre.")
    albums = AlbumSerializer(many=True, help_text="The newest albums of this genre.")
