from django.urls import path

from catalog import views

app_name = "studio"

urlpatterns = [
    path("", views.studio_home, name="home"),
    path("artists/<slug:slug>/", views.artist_dashboard, name="artist"),
    path("artists/<slug:slug>/albums/new/", views.album_create, name="album_create"),
    path("artists/<slug:slug>/upload/", views.artist_upload, name="upload"),
    path("artists/<slug:slug>/members/", views.artist_members, name="members"),
    path("artists/<slug:slug>/members/transfer/", views.ownership_transfer, name="ownership_transfer"),
    path("artists/<slug:slug>/members/<int:user_id>/role/", views.member_role, name="member_role"),
    path("artists/<slug:slug>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "artists/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<int:invitation_id>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:invitation_id>/<str:token>/", views.invitation, name="invitation"),
    path("tracks/<int:track_id>/", views.track_edit, name="track"),
    path("tracks/<int:track_id>/delete/", views.track_delete, name="track_delete"),
    path("tracks/<int:track_id>/reprocess/", views.track_reprocess, name="track_reprocess"),
    path("tracks/<int:track_id>/original", views.track_original, name="track_original"),
    path("albums/<int:album_id>/", views.album_edit, name="album"),
    path("albums/<int:album_id>/artwork/", views.album_artwork, name="album_artwork"),
    path("albums/<int:album_id>/tracks/add/", views.album_tracks_add, name="album_tracks_add"),
    path("albums/<int:album_id>/tracks/move/", views.album_track_move, name="album_track_move"),
    path("albums/<int:album_id>/tracks/<int:track_id>/remove/", views.album_track_remove, name="album_track_remove"),
    path("albums/<int:album_id>/publish/", views.album_publish, name="album_publish"),
    path("albums/<int:album_id>/unpublish/", views.album_unpublish, name="album_unpublish"),
    path("albums/<int:album_id>/schedule/", views.album_schedule, name="album_schedule"),
    path("albums/<int:album_id>/delete/", views.album_delete, name="album_delete"),
]
