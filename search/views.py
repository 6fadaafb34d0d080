"""The listener's browse pages and the search page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog.models import Album, Artist, Genre
from search import browse, selectors, services


def artist(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = browse.artist_page(slug=slug)
    except Artist.DoesNotExist:
        raise Http404("No such artist.") from None
    return render(request, "browse/artist.html", {"page": page, "artist": page.artist})


def album(request: HttpRequest, album_id: int) -> HttpResponse:
    try:
        found = browse.album_page(album_id=album_id, viewer=request.user)
    except Album.DoesNotExist:
        raise Http404("No such album.") from None
    tracks = list(found.tracks.all())
    total_ms = sum(track.duration_ms or 0 for track in tracks)
    # A track's own link (?track=<id>): the album page, with the track's card when the link is pasted.
    wanted = request.GET.get("track", "")
    shared_track = next((track for track in tracks if str(track.pk) == wanted), None)
    context = {"album": found, "tracks": tracks, "total_ms": total_ms, "shared_track": shared_track}
    return render(request, "browse/album.html", context)


def genres(request: HttpRequest) -> HttpResponse:
    return render(request, "browse/genres.html", {"genres": browse.genre_list()})


def genre(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = browse.genre_page(slug=slug)
    except Genre.DoesNotExist:
        raise Http404("No such genre.") from None
    return render(request, "browse/genre.html", {"page": page, "genre": page.genre})


def new_releases(request: HttpRequest) -> HttpResponse:
    return render(request, "browse/new_releases.html", {"albums": browse.new_releases()})


def charts(request: HttpRequest) -> HttpResponse:
    return render(request, "browse/charts.html", {"tracks": browse.chart()})


SEARCH_TABS = {
    "all": ("track", "artist", "album", "playlist"),
    "tracks": ("track",),
    "artists": ("artist",),
    "albums": ("album",),
    "playlists": ("playlist",),
}


def search(request: HttpRequest) -> HttpResponse:
    """The search page; with ``partial=1`` only its results, for the as-you-type script."""
    text = request.GET.get("q", "").strip()[:200]
    tab = request.GET.get("type", "all")
    kinds = SEARCH_TABS.get(tab, SEARCH_TABS["all"])
    limit = 5 if tab == "all" else 30
    results = (
        selectors.search_results(text=text, viewer=request.user, kinds=kinds, limit=limit)  # type: ignore[arg-type]
        if text
        else {}
    )
    if "track" in results:
        # A track found by its lyrics shows the line that holds the words (see _track_row.html).
        for track in results["track"].items:
            track.lyrics_line = results["track"].lyrics_lines.get(track.pk, "")
    context = {
        "q": text,
        "tab": tab if tab in SEARCH_TABS else "all",
        "tabs": list(SEARCH_TABS),
        "results": results,
        "found": any(page.total for page in results.values()),
        "genres": [] if text else browse.genre_list(),
        "recent": [] if text else selectors.recent_searches(user=request.user),  # type: ignore[arg-type]
    }
    template = "browse/_search_results.html" if request.GET.get("partial") else "browse/search.html"
    return render(request, template, context)


@login_required
@require_POST
def recent_searches_clear(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.recent_searches_clear(user=request.user)
    return redirect("browse:search")
