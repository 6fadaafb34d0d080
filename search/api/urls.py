from django.urls import path

from search.api import browse, views

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/suggest/", views.SuggestView.as_view(), name="search-suggest"),
    path("me/recent-searches/", views.RecentSearchesView.as_view(), name="me-recent-searches"),
    path("browse/new-releases/", browse.NewReleasesView.as_view(), name="browse-new-releases"),
    path("browse/charts/", browse.ChartView.as_view(), name="browse-charts"),
    path("browse/artists/<slug:slug>/", browse.ArtistBrowseView.as_view(), name="browse-artist"),
    path("browse/genres/<slug:slug>/", browse.GenreBrowseView.as_view(), name="browse-genre"),
]
