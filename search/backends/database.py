"""Search in the database, over the ``SearchEntry`` rows.

On PostgreSQL: a weighted full-text match (name A, context B, every word a
prefix, so half-typed words match); when no entry matches that way, a trigram
word similarity on the folded name (typos). Both are served by GIN indexes.
Results are ranked by text rank, similarity, an exact-name boost and
popularity.

On SQLite, good enough for one laptop: every word a substring of the name or
the context, ranked exact, then prefix, then popularity; when nothing matches,
a fuzzy pass compares words with difflib over a bounded set of candidates.
"""

import difflib
import math

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Ln

from search.backends import Hits, PrivateIds, Query
from search.models import SearchEntry
from search.text import words

# word_similarity(query, name) at or above this counts as a match on PostgreSQL.
WORD_SIMILARITY_THRESHOLD = 0.45
# On SQLite, a word this close (difflib's ratio) to a word of the entry counts as a typo of it.
FUZZY_RATIO = 0.75
FUZZY_CANDIDATES = 2000


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


def _page(scored: QuerySet[SearchEntry], offset: int, limit: int) -> Hits | None:
    """One page of the best first, and how many match in all, in one query; None when nothing matches."""
    rows = list(
        scored.annotate(total=Window(Count("pk")))
        .order_by("-score", "-popularity", "object_id")
        .values_list("object_id", "score", "total")[offset : offset + limit]
    )
    if rows:
        return Hits(ids=[pk for pk, _, _ in rows], total=rows[0][2], scores=[float(score) for _, score, _ in rows])
    total = scored.count() if offset else 0  # past the last page, or nothing at all?
    return Hits(total=total) if total else None


class DatabaseBackend:
    name = "database"

    def search(self, query: Query) -> dict[str, Hits]:
        terms = words(query.text)
        if not terms:
            return {kind: Hits() for kind in query.kinds}
        if connection.vendor == "postgresql":
            self._set_threshold()
            rank = self._rank_postgresql
        else:
            rank = self._rank_sqlite
        return {
            kind: rank(_visible(kind, query.viewer_id, query.genre, query.private), terms, query.offset, query.limit)
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
    def _set_threshold() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
            )

    @staticmethod
    def _rank_postgresql(entries: QuerySet[SearchEntry], terms: list[str], offset: int, limit: int) -> Hits:
        text = " ".join(terms)
        tsquery = " & ".join(f"{term}:*" for term in terms)

        def ranked(matches: QuerySet[SearchEntry]) -> QuerySet[SearchEntry]:
            return matches.annotate(
                score=RawSQL(
                    "ts_rank(search_searchentry.document, to_tsquery('simple', %s))",
                    (tsquery,),
                    output_field=FloatField(),
                )
                + TrigramWordSimilarity(Value(text), "folded")  # type: ignore[arg-type]
                + Case(
                    When(folded=text, then=Value(2.0)),
                    When(folded__startswith=text, then=Value(0.5)),
                    default=Value(0.0),
                )
                + _popularity() * Value(0.05)
            )

        every_word = entries.alias(
            fts=RawSQL(
                "search_searchentry.document @@ to_tsquery('simple', %s)", (tsquery,), output_field=BooleanField()
            )
        ).filter(fts=True)
        # No word matched as typed: look for typos. Only then, because a loose similarity over
        # common words matches a large part of the catalog, slowly (docs/search.md).
        return (
            _page(ranked(every_word), offset, limit)
            or _page(ranked(entries.filter(folded__trigram_word_similar=text)), offset, limit)
            or Hits()
        )

    # SQLite

    @staticmethod
    def _rank_sqlite(entries: QuerySet[SearchEntry], terms: list[str], offset: int, limit: int) -> Hits:
        text = " ".join(terms)
        every_word = Q()
        for term in terms:
            every_word &= Q(folded__contains=term) | Q(context__contains=term)
        scored = entries.filter(every_word).annotate(
            score=Case(
                When(folded=text, then=Value(3.0)),
                When(folded__startswith=text, then=Value(2.0)),
                When(folded__contains=text, then=Value(1.0)),
                default=Value(0.0),
            )
            + _popularity() * Value(0.05)
        )
        found = _page(scored, offset, limit)
        if found:
            return found
        return DatabaseBackend._fuzzy_sqlite(entries, terms, offset, limit)

    @staticmethod
    def _fuzzy_sqlite(entries: QuerySet[SearchEntry], terms: list[str], offset: int, limit: int) -> Hits:
        """Typos: entries sharing a piece (three letters, two for short words) with each word, scored by closeness."""
        shares = Q()
        for term in terms:
            size = 3 if len(term) > 4 else 2
            pieces = {term[i : i + size] for i in range(max(1, len(term) - size + 1))}
            shares_piece = Q()
            for piece in pieces:
                shares_piece |= Q(folded__contains=piece) | Q(context__contains=piece)
            shares &= shares_piece
        candidates = (
            entries.filter(shares).order_by("-popularity").values_list("object_id", "folded", "context", "popularity")
        )
        scored = []
        for pk, folded, context, popularity in candidates[:FUZZY_CANDIDATES]:
            vocabulary = f"{folded} {context}".split()
            closeness = [
                max(difflib.SequenceMatcher(None, term, word).ratio() for word in vocabulary) for term in terms
            ]
            if min(closeness) >= FUZZY_RATIO:
                scored.append((sum(closeness) / len(closeness) + math.log(popularity + 1) * 0.05, pk))
        scored.sort(key=lambda hit: -hit[0])
        page = scored[offset : offset + limit]
        return Hits(ids=[pk for _, pk in page], total=len(scored), scores=[score for score, _ in page])
