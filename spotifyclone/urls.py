from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from spotifyclone import i18n, views
from subsonic import pages as subsonic_pages

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Early: URLs are tried in order, and the API's are the most requested (a stream grant per track).
    path("api/v1/", include("spotifyclone.api.urls")),
    path("accounts/", include("accounts.urls")),
    # The language switch (docs/i18n.md) and the strings of static/js in one language.
    path("i18n/language/", i18n.language_set, name="set-language"),
    path("jsi18n/<str:language>/", i18n.javascript_catalog, name="javascript-catalog"),
    path("", include("subscriptions.urls")),
    path("studio/", include("catalog.urls")),
    path("studio/", include("insights.urls")),
    path("", include("search.urls")),
    path("", include("streaming.urls")),
    path("", include("playlists.urls")),
    path("", include("recommendations.urls")),
    path("", include("ads.urls")),
    path("rest/", include("subsonic.urls")),
    path("accounts/music-apps/", subsonic_pages.connect, name="subsonic-connect"),
    path("admin/", admin.site.urls),
]

if settings.STORAGE_BACKEND == "filesystem":
    # Embedded default only: in services mode media never passes through Django. Public images
    # alone are served by path; audio only through the signed edge (/edge/s/...), originals
    # only to the artist's members (/studio/tracks/<id>/original).
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", views.public_media, name="media"))

handler404 = "spotifyclone.views.page_not_found"
handler500 = "spotifyclone.views.server_error"
