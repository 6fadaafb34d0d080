"""One relevance suite for both backends: what a listener types, what comes first."""

from collections.abc import Callable

import pytest

from accounts.models import User
from catalog.models import Track
from search.selectors import search_results, suggestions
from tests.catalog.factories import TrackFactory

KINDS = ("track", "artist", "album")


def _names(text: str, viewer: User, kind: str) -> list[str]:
    page = search_results(text=text, viewer=viewer, kinds=(kind,))[kind]
    return [getattr(item, "title", None) or item.name for item in page.items]


@pytest.fixture
def catalog(publish: Callable[..., Track]) -> None:
    publish("Let It Be", artist="The Beatles", album="Let It Be", plays=900)
    publish("Yesterday", artist="The Beatles", album="Help!", plays=800)
    publish("Halo", artist="Beyoncé", album="I Am... Sasha Fierce", plays=700)
    publish("Enter Sandman", artist="Metallica", album="Metallica", plays=600)
    publish("Nothing Else Matters", artist="Metallica", album="Metallica", plays=500)
    publish("Halo Halo", artist="Someone Else", plays=5000)
    publish("Be Here Now", artist="Oasis", plays=100)
    publish("Águas de Março", artist="Elis Regina", plays=50)


def test_an_exact_title_ranks_first(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    # "Halo Halo" is played far more, but "halo" is exactly "Halo".
    assert _names("halo", stranger, "track")[0] == "Halo"
    assert _names("Let It Be", stranger, "track")[0] == "Let It Be"


def test_a_typo_still_finds_the_artist(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    assert _names("beatels", stranger, "artist")[0] == "The Beatles"
    assert _names("metalica", stranger, "artist")[0] == "Metallica"


def test_accents_are_not_needed(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    assert _names("beyonce", stranger, "artist") == ["Beyoncé"]
    assert _names("aguas de marco", stranger, "track") == ["Águas de Março"]


def test_a_half_typed_word_finds_its_end(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    assert _names("metall", stranger, "artist")[0] == "Metallica"
    assert _names("nothing else mat", stranger, "track")[0] == "Nothing Else Matters"


def test_a_long_word_half_typed_past_twenty_letters_finds_its_title(
    publish: Callable[..., Track], reindex: Callable[[], None], stranger: User
) -> None:
    publish("Supercalifragilisticexpialidocious", artist="Julie Andrews", plays=10)
    publish("Superb Owl", artist="Julie Andrews", plays=900)
    reindex()
    # 24 letters of 34: OpenSearch indexes the first 20 letters of a word as its longest prefix.
    assert _names("supercalifragilisticexp", stranger, "track") == ["Supercalifragilisticexpialidocious"]
    assert _names("julie supercalifragilisticexpia", stranger, "track") == ["Supercalifragilisticexpialidocious"]


def test_words_from_title_and_artist_together(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    assert _names("beatles yesterday", stranger, "track") == ["Yesterday"]


def test_more_played_ranks_above_an_equal_match(
    publish: Callable[..., Track], reindex: Callable[[], None], stranger: User
) -> None:
    publish("Midnight Train", artist="Quiet Band", plays=3)
    publish("Midnight Train", artist="Loud Band", plays=3000)
    reindex()
    page = search_results(text="midnight train", viewer=stranger, kinds=("track",))["track"]
    assert [track.artist.name for track in page.items] == ["Loud Band", "Quiet Band"]


def test_results_are_filtered_by_genre_and_paginated(
    publish: Callable[..., Track], reindex: Callable[[], None], stranger: User
) -> None:
    for n in range(5):
        publish(f"Night Song {n}", artist="Night Owls", plays=n, genre="jazz")
    publish("Night Song Rock", artist="Night Owls", plays=99, genre="rock")
    reindex()
    first = search_results(text="night song", viewer=stranger, kinds=("track",), genre="jazz", limit=2)["track"]
    rest = search_results(text="night song", viewer=stranger, kinds=("track",), genre="jazz", limit=2, offset=2)[
        "track"
    ]
    assert first.total == 5
    assert [t.title for t in first.items] == ["Night Song 4", "Night Song 3"]
    assert [t.title for t in rest.items] == ["Night Song 2", "Night Song 1"]


def test_nothing_typed_finds_nothing(catalog: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    for text in ("", "   ", "!!!"):
        assert search_results(text=text, viewer=stranger, kinds=KINDS)["track"].total == 0


@pytest.fixture
def metallic_dawn(publish: Callable[..., Track]) -> None:
    anvil = publish("Anvil", artist="Metallic Dawn", album="Iron Sky", plays=40)
    TrackFactory(title="Forge", album=anvil.album, play_count=30)
    publish("Night Bus", artist="The Late Riders", album="Night Bus", plays=20)
    publish("Dawn Chorus", artist="Birdsong", plays=10)


def test_two_letters_swapped_count_as_one_typo(
    metallic_dawn: None, reindex: Callable[[], None], stranger: User
) -> None:
    reindex()
    # "dwan" is "dawn" with two letters swapped: one typo, as "metalic" is one letter short of "metallic".
    assert _names("metalic dwan", stranger, "artist") == ["Metallic Dawn"]
    assert _names("metalic dwan", stranger, "album") == ["Iron Sky"]
    assert sorted(_names("metalic dwan", stranger, "track")) == ["Anvil", "Forge"]


def test_a_swap_in_a_short_word_still_finds_it(
    metallic_dawn: None, reindex: Callable[[], None], stranger: User
) -> None:
    reindex()
    assert _names("nigth bus", stranger, "track") == ["Night Bus"]
    assert _names("night bsu", stranger, "album") == ["Night Bus"]
    assert _names("late ridres", stranger, "artist") == ["The Late Riders"]


def test_a_word_that_matches_nothing_leaves_what_the_others_find(
    metallic_dawn: None, reindex: Callable[[], None], stranger: User
) -> None:
    reindex()
    # "nite" is three edits from "night": no entry matches both words, so those matching "bus" are shown.
    assert _names("nite bus", stranger, "track") == ["Night Bus"]
    assert _names("nite bus", stranger, "album") == ["Night Bus"]
    assert _names("metallic nite", stranger, "artist") == ["Metallic Dawn"]
    assert _names("metallic nite", stranger, "track") == ["Anvil", "Forge"]


def test_more_words_matched_rank_above_fewer(metallic_dawn: None, reindex: Callable[[], None], stranger: User) -> None:
    reindex()
    # "Dawn Chorus" matches two of the three words; the rest one, in order of popularity.
    assert _names("nite dawn chorus", stranger, "track") == ["Dawn Chorus", "Anvil", "Forge"]
    page = search_results(text="nite dawn chorus", viewer=stranger, kinds=("track",), limit=2, offset=1)["track"]
    assert (page.total, [track.title for track in page.items]) == (3, ["Anvil", "Forge"])


def test_when_some_entries_match_every_word_only_they_are_shown(
    metallic_dawn: None, reindex: Callable[[], None], stranger: User
) -> None:
    reindex()
    # "Dawn Chorus" and Metallic Dawn's tracks match "dawn", but only "Night Bus" matches both words.
    assert _names("night bus", stranger, "track") == ["Night Bus"]
    assert _names("dawn chorus", stranger, "track") == ["Dawn Chorus"]
    # Nor in another kind asked for at once: only the track "Anvil" matches both words, its artist one.
    found = search_results(text="anvil metallic", viewer=stranger, kinds=KINDS)
    assert {
        kind: [getattr(item, "title", None) or item.name for item in page.items] for kind, page in found.items()
    } == {
        "track": ["Anvil"],
        "artist": [],
        "album": [],
    }


def test_suggestions_show_what_matches_the_most_words(
    metallic_dawn: None, reindex: Callable[[], None], stranger: User
) -> None:
    reindex()
    assert [item.name for item in suggestions(text="nite bus", viewer=stranger)] == ["Night Bus", "Night Bus"]
    # The track "Anvil" matches both words: its artist and album, matching "metallic" only, are left out.
    assert [item.name for item in suggestions(text="anvil metallic", viewer=stranger)] == ["Anvil"]
