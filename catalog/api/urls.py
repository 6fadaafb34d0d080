from django.urls import path
from rest_framework.routers import DefaultRouter

from catalog.api import lyrics, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("artists", views.ArtistViewSet, basename="artist")
router.register("albums", views.AlbumViewSet, basename="album")
router.register("tracks", views.TrackViewSet, basename="track")
router.register("uploads", views.UploadViewSet, basename="upload")
router.register("genres", views.GenreViewSet, basename="genre")
router.register(r"artists/(?P<artist_pk>\d+)/invitations", views.ArtistInvitationViewSet, basename="artist-invitation")
router.register("me/artist-invitations", views.MyArtistInvitationViewSet, basename="my-artist-invitation")

urlpatterns = [
    path("tracks/<int:pk>/lyrics/", lyrics.TrackLyricsView.as_view(), name="track-lyrics"),
    path("tracks/<int:pk>/lyrics/publish/", lyrics.TrackLyricsPublishView.as_view(), name="track-lyrics-publish"),
    path("tracks/<int:pk>/lyrics.lrc", lyrics.TrackLyricsLrcView.as_view(), name="track-lyrics-lrc"),
    *router.urls,
]
