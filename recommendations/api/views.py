from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.models import Artist
from recommendations import radio, selectors
from recommendations.api import serializers as s
from streaming.api.player import PlayerCommand, player_command

# What a radio whose seed is missing answers, for each kind of seed.
NOT_FOUND = {
    "track": gettext_lazy("No such track."),
    "album": gettext_lazy("No such album."),
    "artist": gettext_lazy("No such artist."),
    "playlist": gettext_lazy("No such playlist."),
}


class RecommendationsView(APIView):
    """Tracks like the seeds: up to five tracks, artists and genres in all.

    Tracks played close together by the same listeners come first, then the
    seeds' genres' most played. Only published music; no explicit track for a
    listener who turned explicit content off (a third-party token reads as
    an anonymous visitor unless it holds `user-read-private`).
    """

    oauth_scopes = {"GET": None}
    oauth_viewer_scope = "user-read-private"
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[s.RecommendationsQuerySerializer], responses=s.RecommendationsSerializer)
    def get(self, request: Request) -> Response:
        query = s.RecommendationsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        seeds, tracks = selectors.recommendations_from_seeds(
            tracks=query.validated_data["seed_tracks"],
            artists=query.validated_data["seed_artists"],
            genres=query.validated_data["seed_genres"],
            viewer=request.user,
            limit=query.validated_data["limit"],
        )
        hrefs = {"track": "track-detail", "artist": "artist-detail"}
        body = {
            "seeds": [
                {
                    "id": seed.id,
                    "type": seed.type,
                    "initial_pool_size": seed.initial_pool_size,
                    "href": request.build_absolute_uri(reverse(hrefs[seed.type], args=[seed.id]))
                    if seed.type in hrefs
                    else None,
                }
                for seed in seeds
            ],
            "tracks": tracks,
        }
        return Response(s.RecommendationsSerializer(body, context={"request": request}).data)


class MixesView(APIView):
    """Your mixes: a few lists, one per group of the artists you play, each with their music and music like it.

    Built from what you played, liked and follow, so the scope is the one
    that shows your listening: `user-read-recently-played`.
    """

    oauth_scopes = {"GET": "user-read-recently-played"}
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MixesSerializer)
    def get(self, request: Request) -> Response:
        mixes = selectors.mixes_for_listener(user=cast(User, request.user))
        items = [
            {"id": f"mix-{mix.number}", "name": mix.name, "artists": mix.artists, "tracks": mix.tracks} for mix in mixes
        ]
        return Response(s.MixesSerializer({"items": items}, context={"request": request}).data)


class RelatedArtistsView(APIView):
    """Fans also like: artists whose music the same listeners play, then artists sharing genres."""

    oauth_scopes = {"GET": None}
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.RelatedArtistsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        artist = get_object_or_404(Artist, pk=pk)
        related = selectors.related_artists(artist_id=artist.pk)
        return Response(s.RelatedArtistsSerializer({"artists": related}, context={"request": request}).data)


class RadioView(PlayerCommand):
    """Start a radio on one of your devices: the track, album, artist or playlist, then music like it, without end.

    The radio is the new context (`spotifyclone:radio:<seed_type>:<seed_id>`): it
    plays from the seed (or the seed's most played track) on, and when it runs
    out more like its last tracks follow, whatever the autoplay setting. 404 for
    a seed you may not see; 409 `nothing_to_play` when nothing like it can play.
    """

    body_class = s.RadioSerializer
    post = player_command("post", body_class, "Start a radio")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        kind = data["seed_type"]
        try:
            return radio.radio_start(user=user, kind=kind, pk=data["seed_id"], device_id=data.get("device_id"))
        except ObjectDoesNotExist:
            raise exceptions.NotFound(str(NOT_FOUND.get(kind, NOT_FOUND["track"]))) from None
