from django.urls import path

from insights.api import views

urlpatterns = [
    path("artists/<int:pk>/insights/", views.ArtistInsightsView.as_view(), name="artist-insights"),
    path("tracks/<int:pk>/insights/", views.TrackInsightsView.as_view(), name="track-insights"),
]
