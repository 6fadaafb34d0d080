from django.urls import path

from insights import views

app_name = "insights"

# Under /studio/, beside the rest of the studio.
urlpatterns = [
    path("artists/<slug:slug>/insights/", views.artist_insights, name="artist"),
    path("artists/<slug:slug>/insights/release-day/", views.artist_release_day, name="release_day"),
    path("artists/<slug:slug>/insights/export.csv", views.artist_export, name="artist_export"),
    path("tracks/<int:track_id>/insights/", views.track_insights, name="track"),
    path("tracks/<int:track_id>/insights/export.csv", views.track_export, name="track_export"),
]
