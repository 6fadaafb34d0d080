"""Version 1 of the REST API, mounted at /api/v1/."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from oauth2_provider import urls as oauth2_urls
from oauth2_provider import views as oauth_views

from accounts import oauth_apps

# The documentation pages load their script from a file (the split view), under the site's
# Content-Security-Policy; Swagger UI draws its icons from data: URLs, and Redoc styles itself
# with <style> elements it writes, so each page allows that much more.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")
)
api_redoc = csp_update({"img-src": ["data:"], "style-src": ["'unsafe-inline'"]})(
    SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
)

# What third parties use of OAuth2: authorization (code with PKCE), tokens, revocation, the
# server's metadata, and registering their applications, held to the grants offered to them.
# Not mounted: the device flow, OpenID Connect, dynamic registration and the toolkit's own
# token list (listeners see and revoke their apps at /accounts/apps/).
oauth_urlpatterns = [
    path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    *oauth2_urls.metadata_urlpatterns,
    path("applications/", oauth_apps.ApplicationList.as_view(), name="list"),
    path("applications/register/", oauth_apps.ApplicationRegistration.as_view(), name="register"),
    path("applications/<int:pk>/", oauth_apps.ApplicationDetail.as_view(), name="detail"),
    path("applications/<int:pk>/update/", oauth_apps.ApplicationUpdate.as_view(), name="update"),
    path("applications/<int:pk>/delete/", oauth_apps.ApplicationDelete.as_view(), name="delete"),
]

urlpatterns = [
    path("", include("streaming.api.urls")),  # first: the stream grant is the most requested of all
    path("", include("accounts.api.urls")),
    path("", include("subscriptions.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("search.api.urls")),
    path("", include("playlists.api.urls")),
    path("", include("ads.api.urls")),
    path("", include("recommendations.api.urls")),
    path("", include("insights.api.urls")),
    path("", include("subsonic.api.urls")),
    path("oauth/", include((oauth_urlpatterns, "oauth2_provider"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="api-docs"),
    path("redoc/", api_redoc, name="api-redoc"),
]
