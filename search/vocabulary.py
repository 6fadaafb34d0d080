"""The words the entries use, and the typos of them a query may hold.

Both database paths (PostgreSQL and SQLite) treat typos the way OpenSearch's
``fuzziness: AUTO`` does: a word of 3 to 5 letters may be one edit away, a
longer one two, a shorter one none, and the first letter must be right. An
edit is a letter added, dropped, changed, or two neighbours swapped (the
optimal string alignment distance, so "dwan" is one edit from "dawn", not
two). A typed word that is not a word of the catalog is looked up in
``SearchWord``, the catalog's vocabulary, and the query then asks for the
words found instead, as OpenSearch expands a fuzzy term into the terms of its
dictionary. Matching stays on the entries' own indexes; the vocabulary is
small next to them (one row per distinct word, not per entry).
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import F, Func, IntegerField, Q, Value
from django.db.models.functions import Length

from search.models import SearchWord

# At most this many words of the catalog stand in for one typed word (OpenSearch's max_expansions).
MAX_EXPANSIONS = 50
WORD_MAX_LENGTH = 100


def edits_allowed(term: str) -> int:
    """OpenSearch's AUTO fuzziness: none for 1 or 2 letters, one for 3 to 5, two for more."""
    return 0 if len(term) < 3 else 1 if len(term) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit); ``limit + 1`` once past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[len(b)], limit + 1)


def words_add(texts: Iterable[str]) -> None:
    """Make every word of these folded texts part of the vocabulary (words already there are left alone)."""
    found = {word for text in texts for word in text.split() if len(word) <= WORD_MAX_LENGTH}
    if not found:
        return
    known = set(SearchWord.objects.filter(word__in=found).values_list("word", flat=True))
    new = sorted(found - known)
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in new], ignore_conflicts=True, batch_size=1000)


def term_variants(terms: list[str]) -> dict[str, list[str]]:
    """For each typed word that is not a word of the catalog: the catalog's words within its typo budget, closest first.

    A word of the catalog typed as is has no variants (it is no typo), nor has one too short to hold a typo.
    """
    fuzzy = [term for term in dict.fromkeys(terms) if edits_allowed(term) and len(term) <= WORD_MAX_LENGTH]
    if not fuzzy:
        return {}
    known = set(SearchWord.objects.filter(word__in=fuzzy).values_list("word", flat=True))
    fuzzy = [term for term in fuzzy if term not in known]
    if not fuzzy:
        return {}
    postgresql = connection.vendor == "postgresql"
    words = SearchWord.objects.annotate(length=Length("word"))
    near = Q()
    for n, term in enumerate(fuzzy):
        edits = edits_allowed(term)
        close = Q(word__startswith=term[0], length__gte=len(term) - edits, length__lte=len(term) + edits)
        if postgresql:
            # A swap is two Levenshtein edits: the database narrows with that bound, edit_distance decides.
            bound = 2 * edits
            words = words.annotate(
                **{
                    f"levenshtein_{n}": Func(
                        F("word"),
                        Value(term),
                        Value(bound),
                        function="levenshtein_less_equal",
                        output_field=IntegerField(),
                    )
                }
            )
            close &= Q(**{f"levenshtein_{n}__lte": bound})
        near |= close
    candidates = list(words.filter(near).values_list("word", flat=True))
    variants: dict[str, list[str]] = {}
    for term in fuzzy:
        edits = edits_allowed(term)
        scored = sorted(
            (distance, word)
            for word in candidates
            if word[0] == term[0] and (distance := edit_distance(term, word, edits)) <= edits
        )
        variants[term] = [word for _, word in scored[:MAX_EXPANSIONS]]
    return variants


def term_completions(terms: list[str]) -> dict[str, list[str] | None]:
    """For each typed word, the catalog's words that start with it (itself included when it is one).

    ``None`` when more than ``MAX_EXPANSIONS`` do (a word of a letter or two): the caller then matches
    it as a prefix. Looking words up as whole words lets a full-text index read one posting list per
    word, where a prefix makes it gather every word that starts so before it can skip anything.
    """
    completions: dict[str, list[str] | None] = {}
    for term in dict.fromkeys(terms):
        found = list(
            SearchWord.objects.filter(word__startswith=term)
            .order_by("word")
            .values_list("word", flat=True)[: MAX_EXPANSIONS + 1]
        )
        completions[term] = found if len(found) <= MAX_EXPANSIONS else None
    return completions
