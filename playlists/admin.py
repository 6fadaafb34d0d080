from django.contrib import admin
from django.http import HttpRequest

from playlists.models import (
    FollowedArtist,
    LikedTrack,
    Playlist,
    PlaylistCollaborator,
    PlaylistFollow,
    PlaylistInvitation,
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


@admin.register(PlaylistInvitation)
class PlaylistInvitationAdmin(admin.ModelAdmin):
    """Pending invitations, to look at or delete: they are made by the owners, each with its mail."""

    list_display = ("playlist", "invitee", "invited_by", "created_at", "expires_at")
    list_select_related = ("playlist", "invited_by")
    search_fields = ("playlist__name", "invitee", "email")
    raw_id_fields = ("playlist", "invited_by", "user")
    readonly_fields = ("playlist", "invited_by", "user", "email", "invitee", "token_hash", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
