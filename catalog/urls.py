from django.urls import path

from catalog.views import albums, artists, invitations, lyrics, members, tracks, uploads

app_name = "studio"

urlpatterns = [
    path("", artists.studio_home, name="home"),
    path("artists/<slug:slug>/", artists.artist_dashboard, name="artist"),
    path("artists/<slug:slug>/albums/new/", artists.album_create, name="album_create"),
    path("artists/<slug:slug>/upload/", uploads.artist_upload, name="upload"),
    path("artists/<slug:slug>/members/", members.artist_members, name="members"),
    path("artists/<slug:slug>/members/transfer/", members.ownership_transfer, name="ownership_transfer"),
    path("artists/<slug:slug>/members/<int:user_id>/role/", members.member_role, name="member_role"),
    path("artists/<slug:slug>/members/<int:user_id>/remove/", members.member_remove, name="member_remove"),
    path(
        "artists/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<int:invitation_id>/answer/", invitations.invitation_answer, name="invitation_answer"),
    path("invitations/<int:invitation_id>/<str:token>/", invitations.invitation, name="invitation"),
    path("tracks/<int:track_id>/", tracks.track_edit, name="track"),
    path("tracks/<int:track_id>/lyrics/", lyrics.track_lyrics, name="track_lyrics"),
    path("tracks/<int:track_id>/delete/", tracks.track_delete, name="track_delete"),
    path("tracks/<int:track_id>/reprocess/", tracks.track_reprocess, name="track_reprocess"),
    path("tracks/<int:track_id>/original", tracks.track_original, name="track_original"),
    path("albums/<int:album_id>/", albums.album_edit, name="album"),
    path("albums/<int:album_id>/artwork/", albums.album_artwork, name="album_artwork"),
    path("albums/<int:album_id>/tracks/add/", albums.album_tracks_add, name="album_tracks_add"),
    path("albums/<int:album_id>/tracks/move/", albums.album_track_move, name="album_track_move"),
    path("albums/<int:album_id>/tracks/<int:track_id>/remove/", albums.album_track_remove, name="album_track_remove"),
    path("albums/<int:album_id>/publish/", albums.album_publish, name="album_publish"),
    path("albums/<int:album_id>/unpublish/", albums.album_unpublish, name="album_unpublish"),
    path("albums/<int:album_id>/schedule/", albums.album_schedule, name="album_schedule"),
    path("albums/<int:album_id>/delete/", albums.album_delete, name="album_delete"),
]
