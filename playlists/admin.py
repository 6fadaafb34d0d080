from django.contrib import admin

from playlists.models import (
    FollowedArtist,
    LikedTrack,
    Playlist,
    PlaylistCollaborator,
    PlaylistFollow,
    PlaylistItem,
    SavedAlbum,
)


class CollaboratorInline(admin.TabularInline):
    model = PlaylistCollaborator
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "visibility", "collaborative", "item_count", "follower_count", "updated_at")
    list_filter = ("visibility", "collaborative")
    list_select_related = ("owner",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("snapshot_id", "item_count", "follower_count", "mosaic", "mosaic_source", "created_at")
    inlines = [CollaboratorInline]


@admin.register(PlaylistItem)
class PlaylistItemAdmin(admin.ModelAdmin):
    list_display = ("track_title", "artist_name", "playlist", "position", "added_by", "added_at")
    list_select_related = ("playlist", "added_by")
    search_fields = ("track_title", "playlist__name")
    raw_id_fields = ("playlist", "track", "added_by")


def _library_admin(model: type, thing: str) -> None:
    """The same admin for each part of a library: who, what, since when."""
    fields = ("user", thing)
    attrs = {
        "list_display": (*fields, "added_at"),
        "list_select_related": fields,
        "raw_id_fields": fields,
        "search_fields": ("user__username",),
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs))


_library_admin(LikedTrack, "track")
_library_admin(SavedAlbum, "album")
_library_admin(FollowedArtist, "artist")
_library_admin(PlaylistFollow, "playlist")
