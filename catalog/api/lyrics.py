"""A track's lyrics: read by whoever may see the track, written by the artist's members.

``GET /api/v1/tracks/{id}/lyrics/`` answers the published lyrics (404 when
there are none or the track is not visible); ``?state=draft`` the draft, for
members. ``PUT`` saves lines (or the text of an .lrc) as the draft or as the
published lyrics, ``DELETE`` removes one, ``POST …/lyrics/publish/`` publishes
the draft, and ``GET …/lyrics.lrc`` exports them as an .lrc file.
"""

from typing import cast

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog import selectors
from catalog.access import tracks_visible_to
from catalog.lyrics import MAX_LRC_BYTES, MAX_LYRICS_LINES, lrc_parse, lrc_render
from catalog.models import Lyrics, Track
from catalog.services import lyrics as service

STATE = OpenApiParameter(
    "state",
    str,
    enum=["published", "draft"],
    description="published (the default) or draft: the draft only for the artist's members.",
)
ARTIST_WRITES = "artist-upload"


class LyricsWordSerializer(serializers.Serializer):
    start_ms = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class LyricsLineSerializer(serializers.Serializer):
    start_ms = serializers.IntegerField(allow_null=True, required=False, default=None)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    words = LyricsWordSerializer(many=True, required=False)


class LyricsSerializer(serializers.Serializer):
    state = serializers.CharField()
    synced = serializers.BooleanField()
    language = serializers.CharField()
    written_by = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    updated_at = serializers.DateTimeField()
    lines = LyricsLineSerializer(many=True)


class LyricsWriteSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Lyrics.State.choices, default=Lyrics.State.DRAFT)
    synced = serializers.BooleanField(required=False, allow_null=True, default=None)
    language = serializers.CharField(allow_blank=True, required=False, default="")
    written_by = serializers.CharField(allow_blank=True, required=False, default="")
    lines = LyricsLineSerializer(many=True, required=False, max_length=MAX_LYRICS_LINES)  # type: ignore[call-arg]
    lrc = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=MAX_LRC_BYTES,
        help_text="The text of an .lrc file (or plain text), instead of lines.",
    )

    def validate(self, attrs: dict) -> dict:
        if ("lines" in attrs) == ("lrc" in attrs):
            raise serializers.ValidationError(_("Send either lines or lrc."))
        return attrs


def _track(request: Request, pk: int) -> Track:
    return get_object_or_404(tracks_visible_to(cast(User, request.user)).select_related("artist"), pk=pk)


def _state(request: Request) -> str:
    state = request.query_params.get("state", Lyrics.State.PUBLISHED)
    if state not in Lyrics.State.values:
        raise NotFound(_("No such lyrics."))
    return state


def _lyrics(request: Request, pk: int) -> Lyrics:
    user = cast(User, request.user)
    if _state(request) == Lyrics.State.DRAFT:
        found = selectors.lyrics_draft_for(track_id=pk, user=user)
    else:
        found = selectors.lyrics_for(track_id=pk, viewer=user)
    if found is None:
        raise NotFound(_("This track has no lyrics."))
    return found


def _shape(lyrics: Lyrics) -> dict:
    return LyricsSerializer(lyrics).data


class TrackLyricsView(APIView):
    """A track's lyrics: ``lines`` of ``{"start_ms", "text"}``, ``start_ms`` null throughout when not synced."""

    oauth_scopes = {"GET": None, "PUT": ARTIST_WRITES, "DELETE": ARTIST_WRITES}
    oauth_viewer_scope = "artist-read"

    @extend_schema(parameters=[STATE], responses={200: LyricsSerializer, 404: OpenApiResponse(description="None")})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_shape(_lyrics(request, pk)))

    @extend_schema(request=LyricsWriteSerializer, responses=LyricsSerializer)
    def put(self, request: Request, pk: int) -> Response:
        track = _track(request, pk)
        body = LyricsWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        language, written_by = data["language"], data["written_by"]
        source = Lyrics.Source.EDITOR
        if "lrc" in data:
            parsed = lrc_parse(data["lrc"])
            lines = parsed.lines
            language = language or parsed.language
            written_by = written_by or parsed.written_by
            source = Lyrics.Source.LRC
        else:
            lines = [dict(line) for line in data["lines"]]
        saved = service.lyrics_save(
            track=track,
            by=cast(User, request.user),
            lines=lines,
            language=language,
            written_by=written_by,
            synced=data["synced"],
            state=data["state"],
            source=source,
        )
        return Response(_shape(saved))

    @extend_schema(parameters=[STATE], responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        track = _track(request, pk)
        if not service.lyrics_delete(track=track, by=cast(User, request.user), state=_state(request)):
            raise NotFound(_("This track has no such lyrics."))
        return Response(status=204)


class TrackLyricsPublishView(APIView):
    """Publish the draft in place of the published lyrics: listeners see them wherever they see the track."""

    oauth_scopes = {"POST": ARTIST_WRITES}

    @extend_schema(request=None, responses=LyricsSerializer)
    def post(self, request: Request, pk: int) -> Response:
        track = _track(request, pk)
        return Response(_shape(service.lyrics_publish(track=track, by=cast(User, request.user))))


class TrackLyricsLrcView(APIView):
    """The lyrics as an .lrc file (``?state=draft`` for members), to keep or to open in another editor."""

    oauth_scopes = {"GET": None}
    oauth_viewer_scope = "artist-read"

    @extend_schema(
        parameters=[STATE],
        responses={(200, "text/plain"): OpenApiTypes.STR, 404: OpenApiResponse(description="None")},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        lyrics = _lyrics(request, pk)
        track = _track(request, pk)
        text = lrc_render(
            lyrics.lines,
            language=lyrics.language,
            written_by=lyrics.written_by,
            title=track.title,
            artist=track.artist.name,
        )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="track-{track.pk}.lrc"'
        return response
