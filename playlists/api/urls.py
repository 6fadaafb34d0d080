from django.urls import path
from rest_framework.routers import DefaultRouter

from playlists.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("playlists", views.PlaylistViewSet, basename="playlist")
router.register(
    r"playlists/(?P<playlist_pk>\d+)/invitations", views.PlaylistInvitationViewSet, basename="playlist-invitation"
)
router.register("me/playlist-invitations", views.MyPlaylistInvitationViewSet, basename="my-playlist-invitation")

urlpatterns = [
    path("playlists/shared/<str:token>/", views.SharedPlaylistView.as_view(), name="playlist-shared"),
    path("me/playlists/", views.MyPlaylistsView.as_view(), name="me-playlists"),
    path("me/tracks/", views.LikedTracksView.as_view(), name="me-tracks"),
    path("me/tracks/contains/", views.LibraryContainsView.as_view(kind="track"), name="me-tracks-contains"),
    path("me/albums/", views.SavedAlbumsView.as_view(), name="me-albums"),
    path("me/albums/contains/", views.LibraryContainsView.as_view(kind="album"), name="me-albums-contains"),
    path("me/following/", views.FollowedArtistsView.as_view(), name="me-following"),
    path("me/following/contains/", views.LibraryContainsView.as_view(kind="artist"), name="me-following-contains"),
    path("users/<str:username>/playlists/", views.UserPlaylistsView.as_view(), name="user-playlists"),
    *router.urls,
]
