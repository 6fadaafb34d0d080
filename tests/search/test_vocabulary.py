"""Typos as both database paths count them: the vocabulary and its edit distance."""

import pytest

from search.models import SearchWord
from search.vocabulary import edit_distance, term_variants, words_add


def test_a_swap_of_neighbours_is_one_edit() -> None:
    assert edit_distance("dwan", "dawn", 2) == 1
    assert edit_distance("metalic", "metallic", 2) == 1
    assert edit_distance("nigth", "night", 2) == 1
    assert edit_distance("abcd", "badc", 2) == 2
    assert edit_distance("nite", "night", 2) == 3  # past the limit: limit + 1


@pytest.mark.django_db
def test_typed_words_not_in_the_catalog_stand_for_the_words_within_their_budget() -> None:
    words_add(["metallic dawn", "night bus", "metallica", "dawn chorus", "down"])
    assert SearchWord.objects.count() == 7
    words_add(["dawn"])  # already there
    assert SearchWord.objects.count() == 7
    # "dwan" (4 letters) may be one edit off, first letter right: "dawn" by a swap, "down" by a swap and a change.
    assert term_variants(["metalic", "dwan", "bus", "dawn"]) == {
        "metalic": ["metallic", "metallica"],
        "dwan": ["dawn"],
    }
    # Two letters and less hold no typo; a word of the catalog typed as is has no stand-ins.
    assert term_variants(["da", "night"]) == {}
