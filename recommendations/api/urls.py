from django.urls import path

from recommendations.api import views

urlpatterns = [
    path("recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path("me/player/radio/", views.RadioView.as_view(), name="player-radio"),
    path("me/mixes/", views.MixesView.as_view(), name="mixes"),
    path("artists/<int:pk>/related-artists/", views.RelatedArtistsView.as_view(), name="related-artists"),
]
