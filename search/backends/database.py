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
from django.db.models.functions import Cast, Ln

from search.backends import Hits, PrivateIds, Query
from search.models import SearchEntry
from search.text import words
from search.vocabulary import term_variants

# Of each way of matching (any, exact name, name prefix), at most this many entries are ranked: every page
# the API can reach (offset up to 1 000, 50 a page) is ranked in full, and a total past it reads as this bound.
CANDIDATES = 1050
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
        rank = self._rank_postgresql if connection.vendor == "postgresql" else self._rank_sqlite
        return {
            kind: rank(
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
    def _rank_postgresql(
        entries: QuerySet[SearchEntry], terms: list[str], variants: dict[str, list[str]], offset: int, limit: int
    ) -> Hits:
        text = " ".join(terms)
        # Each word as a prefix, or one of the catalog's words it may be a typo of.
        tsquery = " & ".join(
            f"({' | '.join([f'{term}:*', *variants.get(term, [])])})" if term in variants else f"{term}:*"
            for term in terms
        )
        # Unqualified "document": inside the candidates' subqueries it is the subquery's own row.
        matching = entries.alias(
            fts=RawSQL("document @@ to_tsquery('simple', %s)", (tsquery,), output_field=BooleanField())
        ).filter(fts=True)
        candidates = (
            matching.order_by(*BY_POPULARITY)
            .values("pk")[:CANDIDATES]
            .union(
                entries.filter(folded=text).order_by(*BY_POPULARITY).values("pk")[:CANDIDATES],
                entries.filter(folded__startswith=text).order_by(*BY_POPULARITY).values("pk")[:CANDIDATES],
            )
        )
        scored = SearchEntry.objects.filter(pk__in=candidates).annotate(
            score=RawSQL("ts_rank(document, to_tsquery('simple', %s))", (tsquery,), output_field=FloatField())
            + TrigramWordSimilarity(Value(text), "folded")  # type: ignore[arg-type]
            + Case(
                When(folded=text, then=Value(2.0)),
                When(folded__startswith=text, then=Value(0.5)),
                default=Value(0.0),
            )
            + _popularity() * Value(0.05)
        )
        return _page(scored, offset, limit)

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
