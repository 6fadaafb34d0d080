from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.models import Album, Artist, ArtistInvitation, ArtistMembership, Genre, Lyrics, Track
from catalog.services.albums import album_publish, album_unpublish
from catalog.services.tracks import track_reprocess


def _apply(
    admin_: admin.ModelAdmin, request: HttpRequest, objects: QuerySet[Any], service: Callable[..., Any], keyword: str
) -> None:
    """Run a service on each selected object; say what was done and why the rest was refused."""
    done = 0
    for obj in objects:
        try:
            service(**{keyword: obj, "by": request.user})
        except ValidationError as exc:
            admin_.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        admin_.message_user(request, f"Done for {done} of {len(objects)}.", messages.SUCCESS)


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.TabularInline):
    model = ArtistMembership
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "verified", "created_at")
    readonly_fields = ("created_at",)
    list_filter = ("verified",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


class TrackInline(admin.TabularInline):
    model = Track
    fields = ("disc_number", "track_number", "title", "status", "duration_ms", "explicit")
    readonly_fields = ("status", "duration_ms")
    ordering = ("disc_number", "track_number")
    show_change_link = True
    extra = 0


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ("title", "artist", "album_type", "status", "release_date")
    list_filter = ("status", "album_type")
    list_select_related = ("artist",)
    raw_id_fields = ("artist",)
    search_fields = ("title", "artist__name", "upc")
    filter_horizontal = ("genres",)
    date_hierarchy = "release_date"
    inlines = (TrackInline,)
    actions = ("publish", "unpublish")

    @admin.action(description="Publish the selected albums")
    def publish(self, request: HttpRequest, queryset: QuerySet[Album]) -> None:
        _apply(self, request, queryset, album_publish, "album")

    @admin.action(description="Unpublish the selected albums")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Album]) -> None:
        _apply(self, request, queryset, album_unpublish, "album")


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("title", "artist", "album", "status", "duration_ms", "play_count")
    list_filter = ("status", "explicit")
    list_select_related = ("artist", "album")
    raw_id_fields = ("artist", "album", "uploaded_by", "featured_artists")
    search_fields = ("title", "artist__name", "isrc")
    readonly_fields = ("play_count", "original", "original_filename", "created_at", "updated_at")
    actions = ("reprocess",)

    @admin.action(description="Process the selected tracks again")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Track]) -> None:
        _apply(self, request, queryset, track_reprocess, "track")


@admin.register(ArtistMembership)
class ArtistMembershipAdmin(admin.ModelAdmin):
    list_display = ("artist", "user", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("artist", "user")
    raw_id_fields = ("artist", "user")


@admin.register(ArtistInvitation)
class ArtistInvitationAdmin(admin.ModelAdmin):
    """Pending invitations, to look at or delete: they are made by the owners, each with its mail."""

    list_display = ("artist", "invitee", "role", "invited_by", "created_at", "expires_at")
    list_select_related = ("artist", "invited_by")
    search_fields = ("artist__name", "invitee", "email")
    raw_id_fields = ("artist", "invited_by", "user")
    readonly_fields = ("artist", "invited_by", "user", "email", "invitee", "role", "token_hash", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Lyrics)
class LyricsAdmin(admin.ModelAdmin):
    """Lyrics to look at or delete: members write them in the studio, where their rules are checked."""

    list_display = ("track", "state", "synced", "language", "source", "updated_at")
    list_filter = ("state", "synced", "source")
    list_select_related = ("track",)
    search_fields = ("track__title", "track__artist__name")
    raw_id_fields = ("track", "updated_by")
    readonly_fields = ("track", "state", "synced", "language", "lines", "written_by", "source", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
