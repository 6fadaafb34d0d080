"""The studio's insights pages, with the live counters out of reach: the last 24 hours are counted from the plays.

That is the embedded default (no Redis) and Redis down alike; tests/insights/test_live.py reads the counters.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.services import insights_listeners_rollup, insights_rollup
from tests.catalog.factories import TrackFactory
from tests.insights.conftest import play

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_live_counters(monkeypatch):
    monkeypatch.setattr("insights.selectors.live_figures", lambda **kwargs: None)


@pytest.fixture
def played(studio):
    """Three streams now, one three days ago, one ten days ago, and a skip now; rolled up."""
    now = timezone.now()
    ana, ben, cy = studio["listeners"]
    north, aurora, dawn = studio["tracks"]["north"], studio["tracks"]["aurora"], studio["tracks"]["dawn"]
    play(ana, north, now)
    play(ben, north, now, source="playlist", country="DE")
    play(ana, aurora, now)
    play(cy, aurora, now, ms=5_000, counted=False)
    play(cy, dawn, now - timedelta(days=3))
    play(cy, dawn, now - timedelta(days=10), source="search")
    insights_rollup()
    return studio


def urls(studio):
    slug, track = studio["artist"].slug, studio["tracks"]["north"].pk
    return [
        reverse("insights:artist", args=[slug]),
        reverse("insights:release_day", args=[slug]),
        reverse("insights:artist_export", args=[slug]),
        reverse("insights:track", args=[track]),
        reverse("insights:track_export", args=[track]),
    ]


def test_a_member_sees_the_artists_streams_and_listeners_for_each_period(client, owner, played):
    client.force_login(owner)

    response = client.get(reverse("insights:artist", args=[played["artist"].slug]), {"period": "28d"})

    assert response.status_code == 200
    totals = {t.period.key: (t.streams, t.listeners) for t in response.context["totals"]}
    # Distinct listeners over each period: Ana and Ben now, Cy three and ten days ago (counted once).
    assert totals == {"24h": (3, 2), "7d": (4, 3), "28d": (5, 3), "365d": (5, 3)}
    figures = response.context["figures"]
    assert (figures.streams, figures.skips, figures.saves, figures.playlist_adds) == (5, 1, 0, 0)
    assert [(c.key, c.streams, c.percent) for c in figures.countries] == [("FR", 4, 80), ("DE", 1, 20)]
    assert [(s.label, s.streams) for s in figures.sources] == [("Album", 3), ("Playlist", 1), ("Search", 1)]
    # Cy played Dawn on two days: two streams, one listener.
    assert [(t.title, t.streams, t.listeners) for t in response.context["top_tracks"]] == [
        ("Dawn", 2, 1),
        ("Magnetic North", 2, 2),
        ("Aurora", 1, 1),
    ]
    assert len(figures.series) == 28
    assert sum(point.streams for point in figures.series) == 5
    page = response.content.decode()
    assert "France" in page
    assert "Germany" in page


def test_listeners_counted_a_while_ago_say_when_they_were_counted(client, owner, studio):
    now = timezone.now()
    ana, ben, _ = studio["listeners"]
    play(ana, studio["tracks"]["north"], now - timedelta(hours=3))
    play(ana, studio["tracks"]["dawn"], now - timedelta(hours=2))
    insights_rollup(now=now - timedelta(hours=1))
    play(ben, studio["tracks"]["north"], now - timedelta(minutes=30))
    # The year was counted an hour ago (it is counted once a day), 7 and 28 days again now.
    insights_listeners_rollup(windows=(7, 28), now=now)
    client.force_login(owner)

    response = client.get(reverse("insights:artist", args=[studio["artist"].slug]), {"period": "365d"})

    totals = {t.period.key: (t.listeners, t.listeners_stale) for t in response.context["totals"]}
    assert totals == {"24h": (2, False), "7d": (2, False), "28d": (2, False), "365d": (1, True)}
    figures = response.context["figures"]
    assert (figures.listeners, figures.listeners_as_of) == (1, now - timedelta(hours=1))
    counted = timezone.localtime(now - timedelta(hours=1))
    page = response.content.decode()
    # In the year's total, under the period's listeners, and over the top tracks' listeners.
    assert page.count(f'as of <time datetime="{counted.isoformat()}">{counted:%-d %b, %H:%M} UTC</time>') == 3
    assert [(t.title, t.listeners) for t in response.context["top_tracks"]] == [("Dawn", 1), ("Magnetic North", 1)]


def test_the_live_view_counts_the_last_24_hours(client, owner, played):
    client.force_login(owner)

    response = client.get(reverse("insights:artist", args=[played["artist"].slug]), {"period": "24h"})

    figures = response.context["figures"]
    assert (figures.streams, figures.listeners, figures.from_live_counters) == (3, 2, False)
    assert len(figures.series) == 24
    assert figures.series[-1].streams == 3
    assert [(t.title, t.streams) for t in response.context["top_tracks"]] == [("Magnetic North", 2), ("Aurora", 1)]
    assert "cannot be read just now" in response.content.decode()


def test_the_chart_is_an_image_with_a_title_and_its_figures_in_a_table(client, owner, played):
    client.force_login(owner)

    page = client.get(reverse("insights:artist", args=[played["artist"].slug]), {"period": "7d"}).content.decode()

    assert 'role="img" aria-labelledby="chart-title"' in page
    assert '<title id="chart-title">Streams a day, last 7 days: 4 in all' in page
    assert page.count('<rect class="chart-bar"') == 7
    assert "The chart&#x27;s figures as a table" in page or "The chart's figures as a table" in page
    table = page.split('<details class="chart-table">')[1].split("</details>")[0]
    assert table.count("<tr>") == 1 + 7


def test_a_track_page_shows_its_figures_and_skip_rate(client, owner, played):
    client.force_login(owner)
    aurora = played["tracks"]["aurora"]

    response = client.get(reverse("insights:track", args=[aurora.pk]), {"period": "7d"})

    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.streams, figures.skips, figures.skip_percent) == (1, 1, 50)
    assert "Skip rate" in response.content.decode()
    assert [(t.period.key, t.streams) for t in response.context["totals"]] == [
        ("24h", 1),
        ("7d", 1),
        ("28d", 1),
        ("365d", 1),
    ]


def test_the_csv_export_lists_the_days_of_the_period(client, owner, played):
    client.force_login(owner)

    response = client.get(reverse("insights:artist_export", args=[played["artist"].slug]), {"period": "7d"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="aurora-skies-insights-7d.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "streams", "listeners", "skips", "saves", "playlist_adds", "top_country", "top_source"]
    today = timezone.now().date()
    by_day = {row[0]: row[1:] for row in rows[1:]}
    period = f"{today - timedelta(days=6)}/{today}"
    assert list(by_day) == [(today - timedelta(days=back)).isoformat() for back in range(6, -1, -1)] + [period]
    # The whole period last: its sums, and its listeners counted once each (Ana, Ben, Cy), not summed from the days.
    assert by_day[period] == ["4", "3", "1", "0", "0", "FR", "album"]
    assert by_day[today.isoformat()] == ["3", "2", "1", "0", "0", "FR", "album"]
    assert by_day[(today - timedelta(days=3)).isoformat()] == ["1", "1", "0", "0", "0", "FR", "album"]
    assert by_day[(today - timedelta(days=1)).isoformat()] == ["0", "0", "0", "0", "0", "", ""]


def test_the_track_export_and_the_live_view_export_days(client, owner, played):
    client.force_login(owner)
    dawn = played["tracks"]["dawn"]

    response = client.get(reverse("insights:track_export", args=[dawn.pk]), {"period": "24h"})

    assert response["Content-Disposition"] == f'attachment; filename="track-{dawn.pk}-insights-28d.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 28 + 1
    assert sum(int(row[1]) for row in rows[1:-1]) == 2
    # Cy played Dawn on two days: a listener each day, one over the period.
    assert sum(int(row[2]) for row in rows[1:-1]) == 2
    assert rows[-1][1:3] == ["2", "1"]


def test_the_release_day_view_shows_new_albums_and_updates(client, owner, studio):
    client.force_login(owner)
    slug = studio["artist"].slug
    page = client.get(reverse("insights:artist", args=[slug])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    assert reverse("insights:release_day", args=[slug]) in page

    before = client.get(reverse("insights:release_day", args=[slug]))
    ana, ben, _ = studio["listeners"]
    play(ana, studio["tracks"]["north"])
    play(ben, studio["tracks"]["north"])
    play(ben, studio["tracks"]["aurora"])
    after = client.get(reverse("insights:release_day", args=[slug]))

    assert [r.album.title for r in before.context["releases"]] == ["Polar Night"]
    assert [(t.title, t.streams, t.listeners) for t in before.context["releases"][0].tracks] == [
        ("Magnetic North", 0, 0),
        ("Aurora", 0, 0),
    ]
    assert [(t.title, t.streams, t.listeners) for t in after.context["releases"][0].tracks] == [
        ("Magnetic North", 2, 2),
        ("Aurora", 1, 1),
    ]
    assert '<strong class="release-streams">3</strong>' in after.content.decode()
    assert "First Light" not in after.content.decode()


def test_the_release_day_view_stops_asking_once_nothing_is_new(client, owner, studio):
    client.force_login(owner)
    studio["new"].__class__.objects.filter(pk=studio["new"].pk).update(published_at=timezone.now() - timedelta(days=8))

    response = client.get(reverse("insights:release_day", args=[studio["artist"].slug]))

    assert response.content.decode().strip() == '<div id="release-day" hidden></div>'


def test_a_stranger_gets_404_and_a_visitor_the_login_page(client, stranger, played):
    for url in urls(played):
        assert client.get(url).status_code == 302, url
    client.force_login(stranger)
    for url in urls(played):
        assert client.get(url).status_code == 404, url


def test_staff_see_any_artists_insights(client, staff, played):
    client.force_login(staff)
    for url in urls(played):
        assert client.get(url).status_code == 200, url


def test_the_pages_run_a_constant_number_of_queries(client, owner, played, django_assert_max_num_queries):
    """Counted from the plays here (no Redis): 4 queries for the artist's last 24 hours, 1 each for its tracks'."""
    client.force_login(owner)
    artist, listeners = played["artist"], played["listeners"]
    page = reverse("insights:artist", args=[artist.slug])
    track_page = reverse("insights:track", args=[played["tracks"]["north"].pk])
    for period in ("24h", "28d"):
        with django_assert_max_num_queries(13):
            assert client.get(page, {"period": period}).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(track_page, {"period": period}).status_code == 200

    now = timezone.now()
    for n in range(20):
        track = TrackFactory(album=played["new"], title=f"More {n}", track_number=3 + n)
        for back in range(0, 40, 3):
            play(listeners[n % 3], track, now - timedelta(days=back))
    insights_rollup(now=now + timedelta(minutes=10))

    for period in ("24h", "28d"):
        with django_assert_max_num_queries(13):
            assert client.get(page, {"period": period}).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(track_page, {"period": period}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("insights:release_day", args=[artist.slug])).status_code == 200
