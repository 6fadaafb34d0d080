"""Search in the database, over the ``SearchEntry`` rows.

Typed words that are not words of the catalog are typos: each is asked for as
typed and as the catalog's words within its typo budget (search.vocabulary,
the same budget as OpenSearch's AUTO fuzziness, a swap of two letters being
one edit). Then every word, or one of its stand-ins, must match.

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

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Collate, Ln

from search.backends import Hits, PrivateIds, Query
from search.models import SearchEntry
from search.text import words
from search.vocabulary import term_completions, term_variants

# Of each way of matching (any, exact name, name prefix), this many past the page asked for are ranked:
# the most popular of each. Totals are counted up to the deepest the API pages (offset 1 000, 50 a page).
CANDIDATE_MARGIN = 100
TOTAL_BOUND = 1050
MATCHES_SORTED = 10_000
BY_POPULARITY = ("-popularity", "object_id")


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
        variants = term_variants(terms)
        if connection.vendor == "postgresql":
            tsquery = self._tsquery(terms, variants)
            return {
                kind: self._rank_postgresql(
                    _visible(kind, query.viewer_id, query.genre, query.private),
                    terms,
                    tsquery,
                    query.offset,
                    query.limit,
                )
                for kind in query.kinds
            }
        return {
            kind: self._rank_sqlite(
                _visible(kind, query.viewer_id, query.genre, query.private), terms, variants, query.offset, query.limit
            )
            for kind in query.kinds
        }

    def suggest(
        self, text: str, *, viewer_id: int | None, limit: int, private: PrivateIds | None = None
    ) -> list[tuple[str, int]]:
        found = self.search(Query(text=text, viewer_id=viewer_id, limit=limit, private=private or {}))
        scored = [
            (score, kind, pk) for kind, hits in found.items() for pk, score in zip(hits.ids, hits.scores, strict=True)
        ]
        scored.sort(key=lambda hit: -hit[0])
        return [(kind, pk) for _, kind, pk in scored[:limit]]

    def push(self, kind: str, documents: object, removed: list[int]) -> None:
        return None  # the entries are the index

    # PostgreSQL

    @staticmethod
    def _tsquery(terms: list[str], variants: dict[str, list[str]]) -> str:
        """Each word as the catalog's words that start with it, or as a prefix when too many do, or a typo of."""
        completions = term_completions(terms)
        groups = []
        for term in terms:
            forms = completions.get(term) or [f"{term}:*"]  # none: the vocabulary may lag; a prefix costs nothing then
            groups.append(" | ".join(dict.fromkeys([*forms, *variants.get(term, [])])))
        return " & ".join(f"({group})" for group in groups)

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
    def _rank_sqlite(
        entries: QuerySet[SearchEntry], terms: list[str], variants: dict[str, list[str]], offset: int, limit: int
    ) -> Hits:
        text = " ".join(terms)
        every_word = Q()
        for term in terms:
            any_form = Q()
            for form in (term, *variants.get(term, [])):
                any_form |= Q(folded__contains=form) | Q(context__contains=form)
            every_word &= any_form
        scored = entries.filter(every_word).annotate(
            score=Case(
                When(folded=text, then=Value(3.0)),
                When(folded__startswith=text, then=Value(2.0)),
                When(folded__contains=text, then=Value(1.0)),
                default=Value(0.0),
            )
            + _popularity() * Value(0.05)
        )
        return _page(scored, offset, limit)
