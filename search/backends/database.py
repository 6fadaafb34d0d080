"""Search in the database, over the ``SearchEntry`` rows.

Typed words that are not words of the catalog are typos: each is asked for as
typed and as the catalog's words within its typo budget (search.vocabulary,
the same budget as OpenSearch's AUTO fuzziness, a swap of two letters being
one edit). Then every word, or one of its stand-ins, must match; when no entry
of a kind matches them all, those that match the most of them come first, then
those that match fewer (docs/search.md, "A word that matches nothing").

On PostgreSQL: a weighted full-text match (name A, context B, every word a
prefix, so half-typed words match), served by a GIN index per kind. Only a
bounded set of candidates is ranked: the most popular matches, the exact
names and the names that start with the query, at most ``CANDIDATES`` of
each, so a query that matches half the catalog costs what one that matches a
thousand entries does. They are ranked by text rank, word similarity, an
exact-name boost and popularity (docs/search.md).

On SQLite, good enough for one laptop: every word a substring of the name or
the context, ranked exact, then prefix, then popularity.
"""

from functools import partial
from itertools import combinations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Collate, Ln

from search.backends import Hits, PrivateIds, Query, hits_partial, partial_levels
from search.models import SearchEntry
from search.text import words
from search.vocabulary import term_completions, term_variants

# Of each way of matching (any, exact name, name prefix), this many past the page asked for are ranked:
# the most popular of each. Totals are counted up to the deepest the API pages (offset 1 000, 50 a page).
CANDIDATE_MARGIN = 100
TOTAL_BOUND = 1050
MATCHES_SORTED = 10_000
BY_POPULARITY = ("-popularity", "object_id")
# A phrase of this many words or more is looked for in the tracks' lyrics too: one word would find every song.
LYRICS_MIN_WORDS = 2


def _visible(kind: str, viewer_id: int | None, genre: str, private: PrivateIds) -> QuerySet[SearchEntry]:
    entries = SearchEntry.objects.filter(kind=kind, visible=True)
    seen = Q(public=True)
    if viewer_id:
        seen |= Q(owner_id=viewer_id)
    if kind in private:
        seen |= Q(object_id__in=private[kind])
    entries = entries.filter(seen)
    if genre:
        entries = entries.filter(genres__contains=f" {genre} ")
    return entries


def _popularity() -> Ln:
    return Ln(Cast(F("popularity"), FloatField()) + Value(1.0))


def _page(scored: QuerySet[SearchEntry], offset: int, limit: int) -> Hits:
    """One page of the best first, and how many match in all, in one query."""
    rows = list(
        scored.annotate(total=Window(Count("pk")))
        .order_by("-score", "-popularity", "object_id")
        .values_list("object_id", "score", "total")[offset : offset + limit]
    )
    if rows:
        return Hits(ids=[pk for pk, _, _ in rows], total=rows[0][2], scores=[float(score) for _, score, _ in rows])
    total = scored.count() if offset else 0  # past the last page, or nothing at all?
    return Hits(total=total)


class DatabaseBackend:
    name = "database"

    def search(self, query: Query) -> dict[str, Hits]:
        terms = words(query.text)
        if not terms:
            return {kind: Hits() for kind in query.kinds}
        distinct = list(dict.fromkeys(terms))
        variants = term_variants(terms)
        if connection.vendor == "postgresql":
            completions = term_completions(terms)
            groups = {term: self._tsquery_group(term, completions.get(term), variants) for term in distinct}
            # A word that starts no word of the catalog and is a typo of none matches no entry.
            live = [term for term in distinct if completions.get(term) != [] or variants.get(term)]

            def rank(
                entries: QuerySet[SearchEntry], words_sets: list[tuple[str, ...]], offset: int, limit: int
            ) -> Hits:
                return self._rank_postgresql(entries, terms, _any_of(words_sets, groups), offset, limit)

        else:
            forms = {term: _contains_any((term, *variants.get(term, []))) for term in distinct}
            live = distinct  # substrings: any word may match

            def rank(
                entries: QuerySet[SearchEntry], words_sets: list[tuple[str, ...]], offset: int, limit: int
            ) -> Hits:
                return self._rank_sqlite(entries, terms, _q_any_of(words_sets, forms), offset, limit)

        ranks = {
            kind: partial(rank, _visible(kind, query.viewer_id, query.genre, query.private)) for kind in query.kinds
        }
        found = {kind: ranked([tuple(distinct)], query.offset, query.limit) for kind, ranked in ranks.items()}
        if "track" in found and len(distinct) >= LYRICS_MIN_WORDS:
            tracks = _visible("track", query.viewer_id, query.genre, query.private)
            lyrics_only: QuerySet[SearchEntry]
            if connection.vendor == "postgresql":
                tsquery = _any_of([tuple(distinct)], groups)
                by_text = RawSQL("document @@ to_tsquery('simple', %s)", (tsquery,), output_field=BooleanField())
                lyrics_only = tracks.alias(by_text=by_text).filter(by_text=False)
            else:
                lyrics_only = tracks.exclude(_q_any_of([tuple(distinct)], forms))
            found["track"] = _with_lyrics(found["track"], lyrics_only, " ".join(terms), query.offset, query.limit)
        if any(hits.total for hits in found.values()) or not partial_levels(len(distinct)):
            for hits in found.values():
                hits.words_matched = [len(distinct)] * len(hits.ids)
            return found
        # No entry of any kind asked for matches every word: those that match the most of them first. Only the
        # words that may match anything are combined (``live``): the levels above their number are empty.
        return {
            kind: hits_partial(
                [
                    (matched, ranked(list(combinations(live, matched)), 0, query.offset + query.limit))
                    for matched in partial_levels(len(distinct))
                    if matched <= len(live)
                ],
                offset=query.offset,
                limit=query.limit,
            )
            for kind, ranked in ranks.items()
        }

    def suggest(
        self, text: str, *, viewer_id: int | None, limit: int, private: PrivateIds | None = None
    ) -> list[tuple[str, int]]:
        found = self.search(Query(text=text, viewer_id=viewer_id, limit=limit, private=private or {}))
        scored = [
            (matched, score, kind, pk)
            for kind, hits in found.items()
            for pk, score, matched in zip(hits.ids, hits.scores, hits.words_matched, strict=True)
        ]
        scored.sort(key=lambda hit: (-hit[0], -hit[1]))
        return [(kind, pk) for _, _, kind, pk in scored[:limit]]

    def push(self, kind: str, documents: object, removed: list[int]) -> None:
        return None  # the entries are the index

    # PostgreSQL

    @staticmethod
    def _tsquery_group(term: str, completions: list[str] | None, variants: dict[str, list[str]]) -> str:
        """A word as the catalog's words that start with it, or as a prefix when too many do, or a typo of."""
        forms = completions or [f"{term}:*"]  # none: the vocabulary may lag; a prefix costs nothing then
        return " | ".join(dict.fromkeys([*forms, *variants.get(term, [])]))

    @staticmethod
    def _rank_postgresql(
        entries: QuerySet[SearchEntry], terms: list[str], tsquery: str, offset: int, limit: int
    ) -> Hits:
        text = " ".join(terms)
        # Unqualified "document": inside the subqueries it is the subquery's own row.
        matching = entries.alias(
            fts=RawSQL("document @@ to_tsquery('simple', %s)", (tsquery,), output_field=BooleanField())
        ).filter(fts=True)
        score = (
            RawSQL("ts_rank(document, to_tsquery('simple', %s))", (tsquery,), output_field=FloatField())
            + TrigramWordSimilarity(Value(text), "folded")  # type: ignore[arg-type]
            + Case(
                When(folded=text, then=Value(2.0)),
                When(folded__startswith=text, then=Value(0.5)),
                default=Value(0.0),
            )
            + _popularity() * Value(0.05)
        )
        wanted = offset + limit + CANDIDATE_MARGIN

        def most_popular(these: QuerySet[SearchEntry], *, by_index: bool = True) -> QuerySet[SearchEntry]:
            # popularity + 0 cannot be read from the popularity index: the matches are read from the
            # full-text index instead, and sorted.
            popularity = F("popularity") if by_index else F("popularity") + 0
            return (
                these.annotate(score=score)
                .order_by(popularity.desc(), "object_id")
                .values_list("object_id", "score", "popularity")[:wanted]  # type: ignore[return-value]
            )

        # How many match, counted as far as MATCHES_SORTED: fewer, and the most popular are taken by sorting
        # them all, read from the kind's full-text index; more, and by walking the popularity index until
        # enough match, which at that share of the kind takes at most wanted * kind / MATCHES_SORTED rows.
        # Left to its estimates, the planner takes the walk for matches a thousand times rarer.
        matched = matching.values("pk")[:MATCHES_SORTED].count()
        if not matched:
            return Hits()

        # One round trip: the most popular matches, the most popular exact names, and the shortest names
        # that start with the query. The name index (C collation) reads both in order and stops.
        names = entries.alias(name_c=Collate("folded", "C"))
        starting = (
            names.filter(name_c__gte=text, name_c__lt=text[:-1] + chr(ord(text[-1]) + 1))
            .annotate(score=score)
            .order_by("name_c", *BY_POPULARITY)
            .values_list("object_id", "score", "popularity")[:wanted]
        )
        lists = most_popular(matching, by_index=matched >= MATCHES_SORTED).union(
            most_popular(names.filter(name_c=text)), starting, all=True
        )
        rows: list[tuple[int, float, int]] = list(lists)  # type: ignore[arg-type]
        found = {pk: (float(hit_score), popularity) for pk, hit_score, popularity in rows}
        matched = max(matched, len(found))
        ranked = sorted(found.items(), key=lambda hit: (-hit[1][0], -hit[1][1], hit[0]))[offset : offset + limit]
        return Hits(ids=[pk for pk, _ in ranked], total=min(matched, TOTAL_BOUND), scores=[sc for _, (sc, _) in ranked])

    # SQLite

    @staticmethod
    def _rank_sqlite(entries: QuerySet[SearchEntry], terms: list[str], matching: Q, offset: int, limit: int) -> Hits:
        text = " ".join(terms)
        scored = entries.filter(matching).annotate(
            score=Case(
                When(folded=text, then=Value(3.0)),
                When(folded__startswith=text, then=Value(2.0)),
                When(folded__contains=text, then=Value(1.0)),
                default=Value(0.0),
            )
            + _popularity() * Value(0.05)
        )
        return _page(scored, offset, limit)


def _with_lyrics(by_text: Hits, lyrics_only: QuerySet[SearchEntry], phrase: str, offset: int, limit: int) -> Hits:
    """The tracks found by name and context, then those whose lyrics hold the phrase (and no more), most played first.

    ``lyrics_only`` are the tracks the text does not match. Their lyrics are
    matched as a substring of a line (a trigram index serves it on PostgreSQL).
    They rank below every match by name, the lyrics' low weight.
    """
    sung = lyrics_only.exclude(lyrics="").filter(lyrics__contains=phrase)
    # One query: the ids as far as the API pages (plain integers), which give the total and the page.
    every = list(sung.order_by(*BY_POPULARITY).values_list("object_id", flat=True)[:TOTAL_BOUND])
    if not every:
        return by_text
    room = limit - len(by_text.ids)
    start = max(0, offset - by_text.total)
    ids = every[start : start + room] if room > 0 else []
    return Hits(
        ids=by_text.ids + ids,
        total=min(by_text.total + len(every), TOTAL_BOUND),
        scores=by_text.scores + [0.0] * len(ids),
        words_matched=by_text.words_matched,
        by_lyrics=ids,
    )


def _any_of(words_sets: list[tuple[str, ...]], groups: dict[str, str]) -> str:
    """A tsquery for entries that match every word of one of these sets at least."""
    return " | ".join("(" + " & ".join(f"({groups[term]})" for term in words_set) + ")" for words_set in words_sets)


def _contains_any(forms: tuple[str, ...]) -> Q:
    """On SQLite: the name or the context holds one of these forms of a word."""
    any_form = Q()
    for form in forms:
        any_form |= Q(folded__contains=form) | Q(context__contains=form)
    return any_form


def _q_any_of(words_sets: list[tuple[str, ...]], forms: dict[str, Q]) -> Q:
    """On SQLite: entries that match every word of one of these sets at least."""
    either = Q()
    for words_set in words_sets:
        both = Q()
        for term in words_set:
            both &= forms[term]
        either |= both
    return either
