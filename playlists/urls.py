from django.urls import path

from playlists import views

app_name = "playlists"

urlpatterns = [
    path("playlists/new/", views.playlist_create, name="create"),
    path("playlists/add-track/", views.track_add, name="track_add"),
    path("playlists/shared/<str:token>/", views.playlist_shared, name="shared"),
    path("playlists/<int:playlist_id>/", views.playlist_detail, name="detail"),
    path("playlists/<int:playlist_id>/edit/", views.playlist_edit, name="edit"),
    path("playlists/<int:playlist_id>/cover/", views.playlist_cover, name="cover"),
    path("playlists/<int:playlist_id>/delete/", views.playlist_delete, name="delete"),
    path("playlists/<int:playlist_id>/share/", views.playlist_share, name="share"),
    path("playlists/<int:playlist_id>/follow/", views.playlist_follow, name="follow"),
    path("playlists/<int:playlist_id>/copy/", views.playlist_copy, name="copy"),
    path("playlists/<int:playlist_id>/collaborators/", views.collaborator_add, name="collaborator_add"),
    path(
        "playlists/<int:playlist_id>/collaborators/<int:user_id>/remove/",
        views.collaborator_remove,
        name="collaborator_remove",
    ),
    path(
        "playlists/<int:playlist_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("playlists/invitations/<int:invitation_id>/answer/", views.invitation_answer, name="invitation_answer"),
    path("playlists/invitations/<int:invitation_id>/<str:token>/", views.invitation, name="invitation"),
    path("playlists/<int:playlist_id>/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("playlists/<int:playlist_id>/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("library/", views.library, name="library"),
    path("library/tracks/", views.library_tracks, name="library_tracks"),
    path("library/albums/", views.library_albums, name="library_albums"),
    path("library/artists/", views.library_artists, name="library_artists"),
    path("library/recent/", views.library_recent, name="library_recent"),
    path("library/invitations/", views.invitations, name="invitations"),
    path("library/tracks/<int:track_id>/like/", views.track_like, name="like"),
    path("library/albums/<int:album_id>/save/", views.album_save, name="album_save"),
    path("library/artists/<int:artist_id>/follow/", views.artist_follow, name="artist_follow"),
    path("users/<str:username>/", views.profile, name="profile"),
]
