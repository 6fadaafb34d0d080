"""Search exists from the deploy on (search_bootstrap), and the index catches up with what it missed."""

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import ArtistMembership, Track
from catalog.services.albums import album_update
from catalog.services.tracks import track_update
from search.backends import Query, search_backend, search_backends_forget
from search.backends.opensearch import MAPPING_VERSION
from search.bootstrap import index_mapping_versions
from search.catchup import index_catch_up
from search.client import alias_name, opensearch_client
from search.models import IndexSync, SearchEntry
from search.selectors import search_results
from search.tasks import search_index_catch_up
from tests.services import services


def _bootstrap() -> str:
    out = StringIO()
    call_command("search_bootstrap", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _titles(text: str, viewer: User) -> list[str]:
    return sorted(t.title for t in search_results(text=text, viewer=viewer, kinds=("track",), limit=50)["track"].items)


def _index_ids(text: str) -> list[int]:
    """What OpenSearch itself answers, with no fallback to the database."""
    found = opensearch_client().search(
        index=alias_name(), body={"query": {"match": {"name": text}}, "_source": ["kind", "object_id"]}
    )
    return sorted(hit["_source"]["object_id"] for hit in found["hits"]["hits"] if hit["_source"]["kind"] == "track")


def test_search_bootstrap_fills_what_is_missing_and_a_second_run_changes_nothing(
    backend: str, publish: Callable[..., Track], stranger: User, caplog: pytest.LogCaptureFixture
) -> None:
    # Rows made with no task run after them, as a catalog seeded with no worker: no entry, no index.
    for n in range(3):
        publish(f"Northern Light {n}", artist="Aurora Band")
    assert not SearchEntry.objects.exists()

    first = _bootstrap()

    entries = {(e.kind, e.object_id): e.updated_at for e in SearchEntry.objects.all()}
    # Three tracks, three single albums and their artist.
    assert len(entries) == 7
    expected = ["Northern Light 0", "Northern Light 1", "Northern Light 2"]
    if backend == "opensearch":
        assert first == "7 search entries written; index built with 7 documents"
        (index,) = opensearch_client().indices.get_alias(name=alias_name())
        assert len(_index_ids("northern")) == 3
    else:
        assert first == "7 search entries written"
    assert _titles("northern light", stranger) == expected
    assert "answering from the database" not in caplog.text

    assert _bootstrap() == "search is in place: nothing to do"
    assert {(e.kind, e.object_id): e.updated_at for e in SearchEntry.objects.all()} == entries
    if backend == "opensearch":
        assert list(opensearch_client().indices.get_alias(name=alias_name())) == [index]


@pytest.mark.services
def test_search_bootstrap_builds_the_index_when_only_the_index_is_missing(
    settings: Any, publish: Callable[..., Track]
) -> None:
    publish("Harbour Song")
    settings.SEARCH_BACKEND = "database"
    assert _bootstrap() == "3 search entries written"  # the entries, as a site that searched its database had

    settings.SEARCH_BACKEND = "opensearch"
    assert not opensearch_client().indices.exists_alias(name=alias_name())
    assert _bootstrap() == "index built with 3 documents"
    assert _bootstrap() == "search is in place: nothing to do"


@pytest.mark.services
def test_search_bootstrap_rebuilds_an_index_made_from_another_mapping(
    settings: Any, publish: Callable[..., Track]
) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    track = publish("Harbour Song")
    _bootstrap()
    [old] = opensearch_client().indices.get_alias(name=alias_name())
    # As a release before this mapping left it.
    opensearch_client().indices.put_mapping(index=old, body={"_meta": {"version": MAPPING_VERSION - 1}})

    assert _bootstrap() == "index built with 3 documents"

    [new] = opensearch_client().indices.get_alias(name=alias_name())
    assert new != old
    assert index_mapping_versions() == {MAPPING_VERSION}
    assert not opensearch_client().indices.exists(index=old)
    assert _index_ids("harbour") == [track.pk]
    assert _bootstrap() == "search is in place: nothing to do"


@pytest.mark.services
def test_the_catch_up_builds_a_missing_index_and_is_idle_when_in_step(
    settings: Any, publish: Callable[..., Track]
) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    track = publish("Quiet Harbour")
    _bootstrap()
    opensearch_client().indices.delete(index=f"{alias_name()}-*")

    built = index_catch_up()

    assert (built.built, built.copied, built.pending) == (True, 0, False)
    assert _index_ids("harbour") == [track.pk]
    idle = index_catch_up()
    assert (idle.built, idle.copied, idle.pending) == (False, 0, False)


@pytest.mark.services
@pytest.mark.faults
def test_writes_made_while_opensearch_was_down_reach_the_index_when_it_returns(
    settings: Any, publish: Callable[..., Track], owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    track = publish("Morning Tide", artist="Harbour Lights", album="Low Water")
    ArtistMembership.objects.create(artist=track.artist, user=owner, role=ArtistMembership.Role.EDITOR)
    _bootstrap()
    assert _index_ids("tide") == [track.pk]

    try:
        stopped = services("stop", "opensearch")
        with django_capture_on_commit_callbacks(execute=True):
            track_update(track=track, by=owner, title="Evening Swell")
            album_update(album=track.album, by=owner, title="High Water")
    finally:
        started = services("start", "opensearch")
    assert stopped.returncode == 0, stopped.stderr
    assert started.returncode == 0, started.stderr

    # The cluster is back with the index as it was before: the change is not in it yet.
    assert _index_ids("swell") == []
    assert IndexSync.objects.get(alias=alias_name()).missed_since is not None

    search_index_catch_up.apply()

    assert _index_ids("swell") == [track.pk]
    assert _index_ids("tide") == []
    assert IndexSync.objects.get(alias=alias_name()).missed_since is None
    search_backends_forget()  # a backend that has not seen the cluster go away
    found = search_backend().search(Query(text="evening swell high water", kinds=("track",)))
    assert found["track"].ids == [track.pk]
