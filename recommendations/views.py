"""The listener's made-for-you pages: their mixes and their whole list."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.auth import AuthenticatedHttpRequest
from recommendations import shelves


@login_required
def home_shelves(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home page's shelves alone, which the page fetches when the listener's lists were not ready."""
    recent = shelves.recently_played(user=request.user)
    found = shelves.home_shelves(user=request.user, recent=recent, shown=shelves.home_shown(recent))
    return render(request, "recommendations/_home_shelves.html", {"shelves": found})


@login_required
def made_for_you(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = shelves.made_for_you(user=request.user)
    return render(request, "recommendations/made_for_you.html", {"mixes": page.mixes, "tracks": page.recommended})


@login_required
def mix(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    card = shelves.mix_page(user=request.user, number=number)
    if card is None:
        raise Http404("No such mix.")
    tracks = card.mix.tracks
    total_ms = sum(track.duration_ms or 0 for track in tracks)
    return render(request, "recommendations/mix.html", {"card": card, "tracks": tracks, "total_ms": total_ms})
