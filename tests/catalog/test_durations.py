"""One duration rule for every page: whole seconds, cut, never rounded up."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from catalog.durations import duration_format
from catalog.models import Album
from tests.catalog.factories import AlbumFactory, TrackFactory


@pytest.mark.parametrize(
    ("milliseconds", "shown"),
    [
        (None, ""),
        (0, "0:00"),
        (999, "0:00"),
        (59_999, "0:59"),
        (187_000, "3:07"),
        (187_600, "3:07"),
        (187_999, "3:07"),
        (3_599_999, "59:59"),
        (3_600_000, "1:00:00"),
        (3_723_900, "1:02:03"),
    ],
)
def test_a_duration_counts_whole_seconds_cut_not_rounded(milliseconds, shown):
    assert duration_format(milliseconds) == shown


def test_the_template_filter_is_the_same_function():
    rendered = Template("{% load catalog_tags %}{{ ms|duration }}").render(Context({"ms": 187_600}))

    assert rendered == "3:07"


@pytest.mark.django_db
def test_the_studio_and_the_listener_show_the_same_length_for_a_track(client, owner, artist):
    album = AlbumFactory(artist=artist, title="Northern Lights", status=Album.Status.PUBLISHED)
    track = TrackFactory(artist=artist, album=album, title="Polar Night", duration_ms=187_600)
    client.force_login(owner)

    pages = {
        "listener's album": client.get(reverse("browse:album", args=[album.pk])),
        "studio's album": client.get(reverse("studio:album", args=[album.pk])),
        "studio's track": client.get(reverse("studio:track", args=[track.pk])),
        "studio's dashboard": client.get(reverse("studio:artist", args=[artist.slug])),
    }

    for name, response in pages.items():
        # Without the dates and times the pages show (an upload at 23:08 holds "3:08").
        html = re.sub(r"<time\b[^>]*>.*?</time>", "", response.content.decode(), flags=re.DOTALL)
        assert response.status_code == 200, name
        assert "3:07" in html, name
        assert "3:08" not in html, name
