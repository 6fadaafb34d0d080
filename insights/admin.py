from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insights.models import ArtistDay, TrackDay


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
