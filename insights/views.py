"""The studio's insights pages: an artist's, a track's, the release-day fragment and the CSV exports.

Members (and staff) only: every lookup goes through what the user may edit,
so anyone else gets 404, as if the artist or track were not there.
"""

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.auth import AuthenticatedHttpRequest
from catalog import selectors as catalog_selectors
from catalog.access import artists_editable_by
from catalog.models import Artist, Track
from insights import selectors
from insights.charts import bar_chart
from insights.periods import PERIODS, Period, period_of
from insights.selectors import Kind

EXPORT_COLUMNS = ["date", "streams", "listeners", "skips", "saves", "playlist_adds", "top_country", "top_source"]


def _artist(request: AuthenticatedHttpRequest, slug: str) -> Artist:
    return get_object_or_404(catalog_selectors.artist_list_editable(user=request.user), slug=slug)


def _track(request: AuthenticatedHttpRequest, track_id: int) -> Track:
    tracks = Track.objects.filter(artist_id__in=artists_editable_by(request.user).values("pk"))
    return get_object_or_404(tracks.select_related("artist", "album"), pk=track_id)


def _period(request: AuthenticatedHttpRequest) -> Period:
    return period_of(request.GET.get("period"))


def _export_period(period: Period) -> Period:
    """The export lists days: the 24-hour view exports the last 28 of them."""
    return PERIODS["28d"] if period.live else period


def _figures_context(*, kind: Kind, item_id: int, period: Period) -> dict[str, Any]:
    insights = selectors.item_insights(kind=kind, item_id=item_id, period=period)
    return {
        "period": period,
        "periods": list(PERIODS.values()),
        "figures": insights.figures,
        "totals": insights.totals,
        "chart": bar_chart(insights.figures.series),
        "export_period": _export_period(period),
    }


@login_required
@require_safe
def artist_insights(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    period = _period(request)
    context = {
        "artist": artist,
        **_figures_context(kind="artist", item_id=artist.pk, period=period),
        "top_tracks": selectors.artist_top_tracks(artist_id=artist.pk, period=period),
        "releases": selectors.artist_new_releases(artist_id=artist.pk),
    }
    return render(request, "insights/artist.html", context)


@login_required
@require_safe
def artist_release_day(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The release-day figures alone: the artist page asks for them again every few seconds."""
    artist = _artist(request, slug)
    context = {"artist": artist, "releases": selectors.artist_new_releases(artist_id=artist.pk), "now": timezone.now()}
    return render(request, "insights/_release_day.html", context)


@login_required
@require_safe
def track_insights(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = _track(request, track_id)
    context = {
        "track": track,
        "artist": track.artist,
        "album": track.album,
        **_figures_context(kind="track", item_id=track.pk, period=_period(request)),
    }
    return render(request, "insights/track.html", context)


def _csv(*, kind: Kind, item_id: int, period: Period, filename: str) -> HttpResponse:
    period = _export_period(period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{period.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    days = selectors.day_rows_for_export(kind=kind, item_id=item_id, period=period)
    total = selectors.period_row_for_export(kind=kind, item_id=item_id, period=period, days=days)
    # A row a day, then the whole period (its listeners counted once each, not summed from the days).
    for row in [*({**day, "period": day["day"].isoformat()} for day in days), total]:
        countries, sources = row["countries"], row["sources"]
        writer.writerow(
            [
                row["period"],
                row["streams"],
                row["listeners"],
                row["skips"],
                row["saves"],
                row["playlist_adds"],
                max(sorted(countries), key=countries.get) if countries else "",
                max(sorted(sources), key=sources.get) if sources else "",
            ]
        )
    return response


@login_required
@require_safe
def artist_export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    artist = _artist(request, slug)
    return _csv(kind="artist", item_id=artist.pk, period=_period(request), filename=f"{artist.slug}-insights")


@login_required
@require_safe
def track_export(request: AuthenticatedHttpRequest, track_id: int) -> HttpResponse:
    track = _track(request, track_id)
    return _csv(kind="track", item_id=track.pk, period=_period(request), filename=f"track-{track.pk}-insights")
