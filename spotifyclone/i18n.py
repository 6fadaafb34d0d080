"""The site's language: which one a request is answered in, the switch, and the JavaScript catalogue.

Django's LocaleMiddleware picks a language for every request from the visitor's choice (the
``django_language`` cookie the switch sets) or the browser's Accept-Language. A signed-in
listener's own choice, ``Profile.language``, then wins over both (ProfileLanguageMiddleware),
read from the profile the session's user is loaded with: no query of its own. docs/i18n.md.
"""

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog, set_language

from accounts.services import account_update

# Paths answered without reading the session's user: the API and the Subsonic API (clients name
# their language with Accept-Language; the site's own scripts send the page's), audio and media.
_NO_PROFILE_PREFIXES = ("/api/", "/rest/", "/edge/", "/media/", "/static/", "/jsi18n/")


def shipped_languages() -> set[str]:
    return {code for code, _ in settings.LANGUAGES}


class ProfileLanguageMiddleware:
    """Answer a signed-in listener in the language of their profile (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = self._profile_language(request)
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The cookie follows the profile: the API calls of the page's scripts, and the pages after
        # signing out, are in the same language.
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _profile_language(request: HttpRequest) -> str | None:
        if request.path_info.startswith(_NO_PROFILE_PREFIXES):
            return None
        session = getattr(request, "session", None)
        # A visitor without a signed-in session costs nothing here: the user is not even looked up.
        if session is None or SESSION_KEY not in session:
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        profile = getattr(user, "profile", None)
        language = getattr(profile, "language", None)
        return language if language in shipped_languages() else None


@require_POST
def language_set(request: HttpRequest) -> HttpResponseBase:
    """Django's set_language (the cookie, then back to ``next``), and the profile's language when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in shipped_languages() and request.user.is_authenticated:
        account_update(user=request.user, language=language)
    return response


@lru_cache(maxsize=1)
def catalog_version() -> str:
    """A short digest of the compiled JavaScript catalogues, so that a new translation gets a new URL."""
    digest = hashlib.sha256()
    for locale_path in settings.LOCALE_PATHS:
        for mo in sorted(Path(locale_path).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(mo.relative_to(locale_path)).encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


@receiver(file_changed)
def _catalogue_recompiled(sender: object, file_path: Path, **kwargs: object) -> None:
    """In development, a catalogue compiled again gets a new version (and address) at once."""
    if file_path.suffix == ".mo":
        catalog_version.cache_clear()


_catalog = JavaScriptCatalog.as_view()


def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """The strings of static/js in ``language``: a classic script that defines gettext() and friends.

    The language is in the URL (and the catalogue's version in its query), not taken from the
    request, so that browsers may keep the answer for a year; the site keeps it in its cache too.
    """
    if language not in shipped_languages():
        raise Http404("No such language.")
    key = f"javascript-catalog:{language}:{catalog_version()}"
    content = cache.get(key)
    if content is None:
        with translation.override(language):
            rendered = _catalog(request)
            assert isinstance(rendered, HttpResponse)
            content = rendered.content
        cache.set(key, content, 60 * 60 * 24)
    response = HttpResponse(content, content_type='text/javascript; charset="utf-8"')
    patch_cache_control(response, public=True, max_age=60 * 60 * 24 * 365 if request.GET.get("v") else 60 * 60)
    return response


def javascript_catalog_context(request: HttpRequest) -> dict[str, str]:
    """``javascript_catalog_url``: the catalogue of the language the page is answered in (templates/base.html)."""
    url = reverse("javascript-catalog", args=[translation.get_language() or settings.LANGUAGE_CODE])
    return {"javascript_catalog_url": f"{url}?v={catalog_version()}"}
