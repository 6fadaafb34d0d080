"""The player API (/api/v1/me/player/...), modelled on Spotify's Web API.

Every command answers the new state. Devices learn of changes by asking for
the state with the version they have (``?version=N`` or ``If-None-Match``):
while it has not moved they get a 304 read from the cache.
"""

from collections.abc import Callable
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalog.models import Track
from streaming.api import serializers as s
from streaming.playback import progress_ms, snapshot_load
from streaming.selectors import player_devices, player_queue
from streaming.services import player
from streaming.services.player import PlayerError


class PlayerConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PlayerNotFound(exceptions.NotFound):
    pass


ERROR_STATUS = {
    player.NoActiveDeviceError: status.HTTP_404_NOT_FOUND,
    player.DeviceNotFoundError: status.HTTP_404_NOT_FOUND,
    player.DeviceNotActiveError: status.HTTP_409_CONFLICT,
    player.VersionConflictError: status.HTTP_409_CONFLICT,
    player.NothingToPlayError: status.HTTP_409_CONFLICT,
}


def _api_error(error: PlayerError) -> exceptions.APIException:
    if ERROR_STATUS.get(type(error)) == status.HTTP_404_NOT_FOUND:
        return PlayerNotFound(error.message, code=error.code)
    return PlayerConflict(error.message, code=error.code)


def _state_body(snapshot: dict[str, Any]) -> dict[str, Any]:
    now = timezone.now()
    return {**snapshot, "progress_ms": progress_ms(snapshot, now=now), "timestamp": int(now.timestamp() * 1000)}


def _etag(version: int) -> str:
    return f'"v{version}"'


def _state_response(snapshot: dict[str, Any]) -> Response:
    response = Response(_state_body(snapshot))
    response["ETag"] = _etag(snapshot["version"])
    response["Cache-Control"] = "private, no-cache"
    return response


class PlayerCommand(APIView):
    """A command on the listener's playback: validate the body, run one service, answer the new state."""

    oauth_scopes = {
        "GET": "user-read-playback-state",
        **dict.fromkeys(("POST", "PUT", "DELETE"), "user-modify-playback-state"),
    }

    permission_classes = [permissions.IsAuthenticated]
    body_class: type[serializers.Serializer] | None = None

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def command(self, request: Request) -> Response:
        data: dict[str, Any] = {}
        if self.body_class is not None:
            body = self.body_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        try:
            snapshot = self.run(cast(User, request.user), data)
        except Track.DoesNotExist:
            raise exceptions.NotFound(_("No such track.")) from None
        except PlayerError as error:
            raise _api_error(error) from None
        return _state_response(snapshot)


def player_command(method: str, body: type[serializers.Serializer] | None, summary: str) -> Callable[..., Any]:
    """The handler for ``method`` with its schema: the body it takes, the state it answers."""

    @extend_schema(
        request=body,
        responses={200: s.PlayerStateSerializer, 404: OpenApiResponse(description="No such track or device.")},
        summary=summary,
    )
    def handler(self: PlayerCommand, request: Request) -> Response:
        return self.command(request)

    handler.__name__ = method
    return handler


class PlayerView(PlayerCommand):
    """The listener's playback state (GET), or playback moved to another device (PUT, a transfer)."""

    body_class = s.TransferSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, description="The version you have: 304 while unchanged."),
            OpenApiParameter("device_id", OpenApiTypes.STR, description="The asking device, to mark it present."),
        ],
        responses={
            200: s.PlayerStateSerializer,
            204: OpenApiResponse(description="Nothing has played yet."),
            304: OpenApiResponse(description="Unchanged since the version you have."),
        },
        summary="Get the playback state",
    )
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        device_id = request.query_params.get("device_id", "")
        if device_id and len(device_id) <= 64:
            player.device_seen(user_id=user.pk, device_id=device_id)
        snapshot = snapshot_load(user.pk)
        if snapshot is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        known = request.query_params.get("version", "")
        if known == str(snapshot["version"]) or request.headers.get("If-None-Match") == _etag(snapshot["version"]):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = _etag(snapshot["version"])
            return response
        return _state_response(snapshot)

    put = player_command("put", s.TransferSerializer, "Transfer playback to a device")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_transfer(user=user, device_id=data["device_ids"][0], play=data["play"])


class PlayView(PlayerCommand):
    body_class = s.PlayerPlaySerializer
    put = player_command("put", body_class, "Start or resume playback")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        offset = data.get("offset") or {}
        return player.player_play(
            user=user,
            device_id=data.get("device_id"),
            track_ids=data.get("tracks"),
            offset=offset.get("position"),
            offset_track=offset.get("track"),
            position_ms=data.get("position_ms"),
            context_uri=data.get("context_uri", ""),
        )


class PauseView(PlayerCommand):
    put = player_command("put", None, "Pause playback")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_pause(user=user)


class SeekView(PlayerCommand):
    body_class = s.SeekSerializer
    put = player_command("put", body_class, "Seek in the current track")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_seek(user=user, position_ms=data["position_ms"])


class NextView(PlayerCommand):
    post = player_command("post", None, "Skip to the next track")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_next(user=user)


class PreviousView(PlayerCommand):
    post = player_command("post", None, "Back to the start, or to the previous track")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_previous(user=user)


class ShuffleView(PlayerCommand):
    body_class = s.ShuffleSerializer
    put = player_command("put", body_class, "Turn shuffle on or off")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_shuffle_set(user=user, shuffle=data["state"])


class RepeatView(PlayerCommand):
    body_class = s.RepeatSerializer
    put = player_command("put", body_class, "Set repeat: off, context or track")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_repeat_set(user=user, repeat=data["state"])


class VolumeView(PlayerCommand):
    body_class = s.VolumeSerializer
    put = player_command("put", body_class, "Set the volume")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return player.player_volume_set(user=user, volume=data["volume_percent"])


class StateReportView(PlayerCommand):
    """What the playing device reports, every few seconds and on every change."""

    # The playing device's own reports: part of playing.
    oauth_scopes = {"PUT": "streaming"}

    body_class = s.StateReportSerializer
    put = player_command("put", body_class, "Report the position from the playing device")

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        player.device_seen(user_id=user.pk, device_id=data["device_id"])  # an app that reports without polling is there
        return player.player_report(
            user=user,
            device_id=data["device_id"],
            position_ms=data["position_ms"],
            is_playing=data["is_playing"],
            version=data.get("version"),
            volume=data.get("volume_percent"),
        )


class QueueView(PlayerCommand):
    """The queue: read it (GET), add a track (POST), reorder or trim it (PUT), empty it (DELETE)."""

    @extend_schema(responses=s.PlayerQueueSerializer, summary="Get the queue")
    def get(self, request: Request) -> Response:
        return Response(player_queue(user=cast(User, request.user)))

    @extend_schema(request=s.QueueAddSerializer, responses=s.PlayerStateSerializer, summary="Add to the queue")
    def post(self, request: Request) -> Response:
        self.body_class = s.QueueAddSerializer
        return self.command(request)

    @extend_schema(request=s.QueueSetSerializer, responses=s.PlayerStateSerializer, summary="Replace the queue")
    def put(self, request: Request) -> Response:
        self.body_class = s.QueueSetSerializer
        return self.command(request)

    @extend_schema(request=None, responses=s.PlayerStateSerializer, summary="Empty the queue")
    def delete(self, request: Request) -> Response:
        self.body_class = None
        return self.command(request)

    def run(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        if "track" in data:
            return player.player_queue_add(user=user, track_id=data["track"], next=data["position"] == "next")
        return player.player_queue_set(user=user, track_ids=data.get("tracks", []))


class DevicesView(APIView):
    """Your devices there now (GET), or this one added or seen again (POST).

    A device is listed while it asks for the playback state, and gone from the
    list a few minutes after it stopped (its tab closed); playback left on it
    is let go of, paused where it was.
    """

    oauth_scopes = {"GET": "user-read-playback-state", "POST": "streaming"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.DeviceListSerializer, summary="List your devices")
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        player.player_release_gone(user_id=user.pk)
        return Response({"devices": player_devices(user=user)})

    @extend_schema(request=s.DeviceSerializer, responses=s.DeviceSerializer, summary="Add a device, or see it again")
    def post(self, request: Request) -> Response:
        body = s.DeviceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        device = player.device_register(
            user=cast(User, request.user), device_id=data["id"], name=data["name"], type=data["type"]
        )
        return Response({"id": device.device_id, "name": device.name, "type": device.type})


class DeviceView(APIView):
    """One of your devices: give it a name of your choosing (PATCH)."""

    oauth_scopes = {"PATCH": "user-modify-playback-state"}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=s.DeviceRenameSerializer,
        responses={200: s.DeviceSerializer, 404: OpenApiResponse(description="No such device of yours.")},
        summary="Rename a device",
    )
    def patch(self, request: Request, device_id: str) -> Response:
        body = s.DeviceRenameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            device = player.device_rename(
                user=cast(User, request.user), device_id=device_id, name=body.validated_data["name"]
            )
        except PlayerError as error:
            raise _api_error(error) from None
        return Response({"id": device.device_id, "name": device.name, "type": device.type})
