from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insights.models import ArtistDay, ArtistListeners, TrackDay, TrackListeners


class DayAdmin(admin.ModelAdmin):
    """Read only: the roll-up writes these rows and replaces them whole."""

    date_hierarchy = "day"
    list_display: tuple[str, ...] = ("day", "streams", "listeners", "skips", "saves", "playlist_adds")
    ordering = ("-day",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrackDay)
class TrackDayAdmin(DayAdmin):
    list_display = ("track", "artist", *DayAdmin.list_display)
    list_select_related = ("track", "artist")
    raw_id_fields = ("track", "artist")


@admin.register(ArtistDay)
class ArtistDayAdmin(DayAdmin):
    list_display = ("artist", *DayAdmin.list_display)
    list_select_related = ("artist",)
    raw_id_fields = ("artist",)


class ListenersAdmin(admin.ModelAdmin):
    """Read only: the roll-up counts these rows and replaces each window's whole."""

    list_display: tuple[str, ...] = ("days", "listeners", "as_of")
    list_filter = ("days",)
    ordering = ("days", "-listeners")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrackListeners)
class TrackListenersAdmin(ListenersAdmin):
    list_display = ("track", *ListenersAdmin.list_display)
    list_select_related = ("track",)
    raw_id_fields = ("track",)


@admin.register(ArtistListeners)
class ArtistListenersAdmin(ListenersAdmin):
    list_display = ("artist", *ListenersAdmin.list_display)
    list_select_related = ("artist",)
    raw_id_fields = ("artist",)
