from django.utils.translation import gettext as _
from rest_framework import serializers

from catalog.api.serializers import ArtistSerializer, TrackSerializer
from core.ids import IdField
from recommendations import radio
from streaming.api.serializers import device_id_field

MAX_SEEDS = 5


def _ids(value: str, *, field: str) -> list[int]:
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) < 2**63 for part in ids):
        raise serializers.ValidationError({field: _("A comma-separated list of ids.")})
    return list(dict.fromkeys(int(part) for part in ids))


class RecommendationsQuerySerializer(serializers.Serializer):
    seed_tracks = serializers.CharField(required=False, default="", help_text="Comma-separated track ids.")
    seed_artists = serializers.CharField(required=False, default="", help_text="Comma-separated artist ids.")
    seed_genres = serializers.CharField(required=False, default="", help_text="Comma-separated genre slugs.")
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    def validate(self, attrs: dict) -> dict:
        attrs["seed_tracks"] = _ids(attrs["seed_tracks"], field="seed_tracks")
        attrs["seed_artists"] = _ids(attrs["seed_artists"], field="seed_artists")
        attrs["seed_genres"] = list(dict.fromkeys(g.strip() for g in attrs["seed_genres"].split(",") if g.strip()))
        total = len(attrs["seed_tracks"]) + len(attrs["seed_artists"]) + len(attrs["seed_genres"])
        if total == 0:
            raise serializers.ValidationError(_("Give at least one seed: seed_tracks, seed_artists or seed_genres."))
        if total > MAX_SEEDS:
            raise serializers.ValidationError(_("Give at most %(MAX_SEEDS)s seeds in all.") % {"MAX_SEEDS": MAX_SEEDS})
        return attrs


class SeedSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["track", "artist", "genre"])
    initialPoolSize = serializers.IntegerField(  # noqa: N815 - Spotify's name
        source="initial_pool_size", help_text="Candidates this seed gave before filtering."
    )
    href = serializers.CharField(allow_null=True, help_text="The seed's API address; null for a genre.")


class RecommendationsSerializer(serializers.Serializer):
    seeds = SeedSerializer(many=True)
    tracks = TrackSerializer(many=True)


class MixSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    artists = ArtistSerializer(many=True, help_text="The artists the mix is built around.")
    tracks = TrackSerializer(many=True)


class MixesSerializer(serializers.Serializer):
    items = MixSerializer(many=True, help_text="At most six mixes: the whole list, not a page.")


class RelatedArtistsSerializer(serializers.Serializer):
    artists = ArtistSerializer(many=True, help_text="At most twenty, the closest first.")


class RadioSerializer(serializers.Serializer):
    seed_type = serializers.ChoiceField(choices=radio.KINDS, help_text="What the radio is like.")
    seed_id = IdField()
    device_id = device_id_field(required=False)
