"""Version 1 of the REST API, mounted at /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("streaming.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("search.api.urls")),
    path("", include("playlists.api.urls")),
    path("oauth/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
