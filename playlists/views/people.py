"""People: everyone's public profile, with their public playlists."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.models import User
from playlists import selectors

PLAYLISTS_PER_PAGE = 50


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username__iexact=username, is_active=True)
    playlists = selectors.playlist_list_public(owner=person)
    page = Paginator(playlists, PLAYLISTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "playlists/profile.html", {"person": person, "page": page})
