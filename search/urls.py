from django.urls import path

from search import views

app_name = "browse"

urlpatterns = [
    path("artists/<slug:slug>/", views.artist, name="artist"),
    path("albums/<int:album_id>/", views.album, name="album"),
    path("genres/", views.genres, name="genres"),
    path("genres/<slug:slug>/", views.genre, name="genre"),
    path("new-releases/", views.new_releases, name="new-releases"),
    path("charts/", views.charts, name="charts"),
    path("search/", views.search, name="search"),
    path("search/recent/clear/", views.recent_searches_clear, name="recent-searches-clear"),
]
