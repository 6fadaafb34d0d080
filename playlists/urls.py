from django.urls import path

from playlists.views import collaborators, invitations, items, library, people, playlists

app_name = "playlists"

urlpatterns = [
    path("playlists/new/", playlists.playlist_create, name="create"),
    path("playlists/add-track/", items.track_add, name="track_add"),
    path("playlists/shared/<str:token>/", playlists.playlist_shared, name="shared"),
    path("playlists/<int:playlist_id>/", playlists.playlist_detail, name="detail"),
    path("playlists/<int:playlist_id>/edit/", playlists.playlist_edit, name="edit"),
    path("playlists/<int:playlist_id>/cover/", playlists.playlist_cover, name="cover"),
    path("playlists/<int:playlist_id>/delete/", playlists.playlist_delete, name="delete"),
    path("playlists/<int:playlist_id>/share/", playlists.playlist_share, name="share"),
    path("playlists/<int:playlist_id>/follow/", playlists.playlist_follow, name="follow"),
    path("playlists/<int:playlist_id>/copy/", playlists.playlist_copy, name="copy"),
    path("playlists/<int:playlist_id>/collaborators/", collaborators.collaborator_add, name="collaborator_add"),
    path(
        "playlists/<int:playlist_id>/collaborators/<int:user_id>/remove/",
        collaborators.collaborator_remove,
        name="collaborator_remove",
    ),
    path(
        "playlists/<int:playlist_id>/invitations/<int:invitation_id>/revoke/",
        collaborators.invitation_revoke,
        name="invitation_revoke",
    ),
    path("playlists/invitations/<int:invitation_id>/answer/", invitations.invitation_answer, name="invitation_answer"),
    path("playlists/invitations/<int:invitation_id>/<str:token>/", invitations.invitation, name="invitation"),
    path("playlists/<int:playlist_id>/items/<int:item_id>/remove/", items.item_remove, name="item_remove"),
    path("playlists/<int:playlist_id>/items/<int:item_id>/move/", items.item_move, name="item_move"),
    path("library/", library.library, name="library"),
    path("library/tracks/", library.library_tracks, name="library_tracks"),
    path("library/albums/", library.library_albums, name="library_albums"),
    path("library/artists/", library.library_artists, name="library_artists"),
    path("library/recent/", library.library_recent, name="library_recent"),
    path("library/invitations/", invitations.invitations, name="invitations"),
    path("library/tracks/<int:track_id>/like/", library.track_like, name="like"),
    path("library/albums/<int:album_id>/save/", library.album_save, name="album_save"),
    path("library/artists/<int:artist_id>/follow/", library.artist_follow, name="artist_follow"),
    path("users/<str:username>/", people.profile, name="profile"),
]
