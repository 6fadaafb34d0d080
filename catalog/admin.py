from django.contrib import admin

from catalog.models import Album, Artist, ArtistMembership, Genre, Track


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


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("title", "artist", "album", "status", "duration_ms", "play_count")
    list_filter = ("status", "explicit")
    list_select_related = ("artist", "album")
    raw_id_fields = ("artist", "album", "uploaded_by", "featured_artists")
    search_fields = ("title", "artist__name", "isrc")
    readonly_fields = ("play_count", "created_at", "updated_at")


@admin.register(ArtistMembership)
class ArtistMembershipAdmin(admin.ModelAdmin):
    list_display = ("artist", "user", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("artist", "user")
    raw_id_fields = ("artist", "user")
