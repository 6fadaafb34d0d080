"""Search in OpenSearch, answering from the database while the cluster is away.

One index holds every kind of document, with a ``kind`` field, behind an alias
(``<prefix>-catalog``): one alias to swap on a rebuild, one bulk stream to fill
it, and suggestions that rank tracks, artists, albums and playlists against
each other in a single query. Grouped results ask one query per kind in one
``_msearch`` round trip. docs/search.md gives the reasons at length.
"""

import logging
import math
import time
from typing import Any

from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import OpenSearchException, TransportError

from search.backends import Hits, PrivateIds, Query, hits_partial, partial_levels
from search.backends.database import LYRICS_MIN_WORDS, DatabaseBackend
from search.client import alias_name, opensearch_client
from search.documents import Document
from search.text import fold, words

logger = logging.getLogger(__name__)

# After a failed query, go straight to the database for this long before trying the cluster again.
RETRY_AFTER_SECONDS = 15.0
QUERY_TIMEOUT_SECONDS = 2.0
# Totals are counted this far (the database backend ranks as many candidates): past it, nothing is scored
# that cannot reach the page, and the API cannot page further anyway (offset up to 1 000, 50 a page).
TOTAL_HITS_BOUND = 1050
# ln(1 + popularity) * this = 0.5 * log10(1 + popularity).
POPULARITY_BOOST = 0.5 / math.log(10)
# The longest start of a word indexed in the `.prefix` subfields.
PREFIX_MAX = 20
# The exact-name boost is added to the best this many hits of the other clauses (or the page, when deeper).
EXACT_WINDOW = 200
EXACT_BOOST = 8
# A phrase of a line of lyrics finds the track, weighed far below its name (name^3, context 1).
LYRICS_BOOST = 0.3

INDEX_SETTINGS: dict[str, Any] = {
    # Documents are stored most popular first. Popularity breaks the ties between the many entries that match a
    # common query equally well ("song for", a quarter of the tracks), so the page is found in the first few
    # thousand documents, and the rank feature's per-block maxima let the engine skip all the later ones.
    "sort": {"field": "popularity", "order": "desc"},
    "analysis": {
        "filter": {
            "prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": PREFIX_MAX},
            "prefix_typed": {"type": "truncate", "length": PREFIX_MAX},
        },
        "analyzer": {
            "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
            "prefixes": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "prefixes"],
            },
            # A typed word longer than the longest prefix indexed is looked up by its first PREFIX_MAX letters.
            "prefix_typed": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "prefix_typed"],
            },
        },
    },
}
_TEXT = {
    "type": "text",
    "analyzer": "folded",
    "fields": {"prefix": {"type": "text", "analyzer": "prefixes", "search_analyzer": "prefix_typed"}},
}
# Bumped with every change to the settings or mappings above and below: `search_bootstrap` (run at every
# deploy) rebuilds the index behind the alias, with no downtime, when the live one was made by another version.
MAPPING_VERSION = 4
INDEX_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"version": MAPPING_VERSION},
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "long"},
        "name": _TEXT,
        "folded": {"type": "keyword"},
        "context": _TEXT,
        "genres": {"type": "keyword"},
        "popularity": {"type": "long"},
        # The popularity again, left out when 0 (a rank feature must be positive): scored by a rank_feature
        # query, which lets the engine skip what cannot make the page, where a function_score scores every match.
        "popularity_rank": {"type": "rank_feature"},
        "public": {"type": "boolean"},
        "owner_id": {"type": "long"},
        # A track's published lyrics, one value a line, so a phrase never runs from one line into the next.
        "lyrics": {"type": "text", "analyzer": "folded"},
    },
}


def document_id(kind: str, object_id: int) -> str:
    return f"{kind}-{object_id}"


def document_source(doc: Document) -> dict[str, Any]:
    rank = {"popularity_rank": doc.popularity} if doc.popularity > 0 else {}
    lyrics = {"lyrics": doc.lyrics.split("\n")} if doc.lyrics else {}
    return {
        **rank,
        **lyrics,
        "kind": doc.kind,
        "object_id": doc.object_id,
        "name": doc.name,
        "folded": doc.folded,
        "context": doc.context,
        "genres": sorted(set(doc.genres)),
        "popularity": doc.popularity,
        "public": doc.public,
        "owner_id": doc.owner_id,
    }


def _filters(
    kind: str | None, viewer_id: int | None, genre: str, private: PrivateIds | None = None
) -> list[dict[str, Any]]:
    seen_by: list[dict[str, Any]] = [{"term": {"public": True}}]
    if viewer_id:
        seen_by.append({"term": {"owner_id": viewer_id}})
    shared = [
        document_id(of_kind, pk) for of_kind, ids in (private or {}).items() if kind in (None, of_kind) for pk in ids
    ]
    if shared:
        seen_by.append({"ids": {"values": shared}})
    filters: list[dict[str, Any]] = [{"bool": {"should": seen_by, "minimum_should_match": 1}}]
    if kind:
        filters.append({"term": {"kind": kind}})
    if genre:
        filters.append({"term": {"genres": genre}})
    return filters


def query_body(
    text: str,
    *,
    kind: str | None,
    viewer_id: int | None,
    genre: str = "",
    private: PrivateIds | None = None,
    words_matched: int | None = None,
    deepest: int = 0,
) -> dict[str, Any]:
    """Relevance (exact name, then whole words, typos and prefixes) plus a little popularity.

    Every word must match, or with ``words_matched`` that many of them at least. ``deepest``: the rank of the
    last hit asked for (offset plus limit), which the exact-name boost reaches.
    """
    folded = fold(text)
    operator: dict[str, Any] = (
        {"operator": "and"} if words_matched is None else {"operator": "or", "minimum_should_match": words_matched}
    )
    exact = {"term": {"folded": {"value": folded}}}
    matches = [
        # An exact name matches here and scores nothing: its boost is added by the rescore below. Scored here,
        # it would be an eighth of the score of the thousands of equal names it matches ("song for anna"), and
        # no block of documents holding one could be skipped.
        {"constant_score": {"filter": exact, "boost": 0}},
        {
            "multi_match": {
                "query": folded,
                "fields": ["name^3", "context"],
                "type": "best_fields",
                **operator,
                "fuzziness": "AUTO",
                "prefix_length": 1,
            }
        },
        {
            "multi_match": {
                "query": folded,
                "fields": ["name.prefix^2", "context.prefix"],
                "type": "cross_fields",
                **operator,
            }
        },
    ]
    if words_matched is None and kind in (None, "track") and len(folded.split()) >= LYRICS_MIN_WORDS:
        # Named, so that a hit found by its lyrics alone says so (matched_queries), for the line it shows.
        matches[0]["constant_score"]["_name"] = "text"
        for clause in matches[1:]:
            clause["multi_match"]["_name"] = "text"
        matches.append({"match_phrase": {"lyrics": {"query": folded, "boost": LYRICS_BOOST, "_name": "lyrics"}}})
    return {
        "query": {
            "bool": {
                "must": [{"bool": {"should": matches, "minimum_should_match": 1}}],
                # Adds 0.5 * log10(1 + popularity), as a function_score did, but only to what matched.
                "should": [
                    {
                        "rank_feature": {
                            "field": "popularity_rank",
                            "log": {"scaling_factor": 1},
                            "boost": POPULARITY_BOOST,
                        }
                    }
                ],
                "filter": _filters(kind, viewer_id, genre, private),
            }
        },
        # The exact name's boost, added to the best hits of the query above: the same score the exact clause
        # gave as one more `should`, for every hit up to the window.
        "rescore": {
            "window_size": max(EXACT_WINDOW, deepest),
            "query": {"rescore_query": {"term": {"folded": {"value": folded, "boost": EXACT_BOOST}}}},
        },
        "_source": ["kind", "object_id"],
        # Counted up to the last result the API can page to, like the database backend's total.
        "track_total_hits": TOTAL_HITS_BOUND,
    }


class OpenSearchBackend:
    name = "opensearch"

    def __init__(self, *, fallback: DatabaseBackend) -> None:
        self.fallback = fallback
        self._skip_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._skip_until

    def _failed(self, exc: Exception) -> None:
        logger.warning("search: OpenSearch did not answer (%s); answering from the database", exc)
        self._skip_until = time.monotonic() + RETRY_AFTER_SECONDS

    def search(self, query: Query) -> dict[str, Hits]:
        if not fold(query.text) or not self._available():
            return self.fallback.search(query)
        every = len(set(words(query.text)))
        try:
            responses = self._msearch(query, [(kind, None) for kind in query.kinds])
            found = {kind: _hits(response) for kind, response in zip(query.kinds, responses, strict=True)}
            # No document of any kind asked for matches every word: those that match the most of them.
            ladder = partial_levels(every) if not any(hits.total for hits in found.values()) else range(0)
            levels = self._levels(query, ladder)
        except (OpenSearchException, OSError, KeyError) as exc:
            self._failed(exc)
            return self.fallback.search(query)
        for kind, hits in found.items():
            if not ladder:
                hits.words_matched = [every] * len(hits.ids)
            else:
                found[kind] = hits_partial(
                    [(matched, levels[kind, matched]) for matched in ladder if (kind, matched) in levels],
                    offset=query.offset,
                    limit=query.limit,
                )
        return found

    def _levels(self, query: Query, ladder: range) -> dict[tuple[str | None, int | None], Hits]:
        """The hits of each kind matching at least so many words, for each level of ``ladder`` that can count.

        The top level first, for every kind, in one round trip; the levels below, in one more, only for the
        kinds whose top level leaves room on the page or counted fewer than the bound. Where it filled the
        page and reached the bound, the levels below could add nothing to the page, nor to the total (the
        largest of the levels', each counted up to the same bound), and they are the dearest ("song" or
        "for" matches half the tracks).
        """
        if not ladder:
            return {}
        top, below = ladder[0], ladder[1:]
        asked: list[tuple[str | None, int | None]] = [(kind, top) for kind in query.kinds]
        levels = dict(zip(asked, map(_hits, self._msearch(query, asked, offset=0)), strict=True))
        deepest = query.offset + query.limit
        asked = [
            (kind, matched)
            for kind in query.kinds
            if len(levels[kind, top].ids) < deepest or levels[kind, top].total < TOTAL_HITS_BOUND
            for matched in below
        ]
        levels.update(zip(asked, map(_hits, self._msearch(query, asked, offset=0)), strict=True))
        return levels

    @staticmethod
    def _msearch(
        query: Query, asked: list[tuple[str | None, int | None]], *, offset: int | None = None, **extra: Any
    ) -> list[dict[str, Any]]:
        """One query for each (kind, words to match at least) asked, in one round trip; ``offset`` 0: from the first."""
        if not asked:
            return []
        lines: list[dict[str, Any]] = []
        start = query.offset if offset is None else offset
        for kind, matched in asked:
            body = query_body(
                query.text,
                kind=kind,
                viewer_id=query.viewer_id,
                genre=query.genre,
                private=query.private,
                words_matched=matched,
                deepest=query.offset + query.limit,
            )
            lines += [{}, {**body, "from": start, "size": query.offset + query.limit - start, **extra}]
        answer = opensearch_client().msearch(body=lines, index=alias_name(), request_timeout=QUERY_TIMEOUT_SECONDS)
        responses: list[dict[str, Any]] = answer["responses"]
        for response in responses:
            if "error" in response:
                raise KeyError(str(response["error"])[:200])
        return responses

    def suggest(
        self, text: str, *, viewer_id: int | None, limit: int, private: PrivateIds | None = None
    ) -> list[tuple[str, int]]:
        if not fold(text) or not self._available():
            return self.fallback.suggest(text, viewer_id=viewer_id, limit=limit, private=private)
        query = Query(text=text, kinds=(), viewer_id=viewer_id, limit=limit, private=private or {})
        try:
            responses = self._msearch(query, [(None, None)], track_total_hits=False)
            if not responses[0]["hits"]["hits"]:
                # Nothing matches every word: what matches the most of them first, as search does.
                levels = partial_levels(len(set(words(text))))
                responses = self._msearch(query, [(None, matched) for matched in levels], track_total_hits=False)
        except (OpenSearchException, OSError, KeyError) as exc:
            self._failed(exc)
            return self.fallback.suggest(text, viewer_id=viewer_id, limit=limit, private=private)
        pairs = (
            (hit["_source"]["kind"], hit["_source"]["object_id"])
            for response in responses
            for hit in response["hits"]["hits"]
        )
        return list(dict.fromkeys(pairs))[:limit]

    def push(self, kind: str, documents: list[Document], removed: list[int]) -> None:
        """Write and delete documents through the alias; raise ConnectionError when they did not all get there."""
        lines: list[dict[str, Any]] = []
        for doc in documents:
            lines += [{"index": {"_id": document_id(kind, doc.object_id)}}, document_source(doc)]
        lines += [{"delete": {"_id": document_id(kind, pk)}} for pk in removed]
        if not lines:
            return
        try:
            # wait_for: the version bump that follows must not let a stale answer into the query cache.
            answer = opensearch_client().bulk(
                body=lines, index=alias_name(), params={"require_alias": "true", "refresh": "wait_for"}
            )
        except (OpenSearchConnectionError, TransportError) as exc:
            # The entries are written; the task is retried, and a rebuild copies them anyway.
            raise ConnectionError(f"could not update OpenSearch: {exc}") from exc
        failures = [
            result["error"]
            for item in answer["items"]
            for result in item.values()
            if result.get("error") and result.get("status") != 404
        ]
        if any("alias" in str(failure.get("reason", "")) for failure in failures):
            raise ConnectionError(f"no index behind {alias_name()} yet: `manage.py search_bootstrap` builds it")
        if failures:
            raise ConnectionError(f"OpenSearch refused {len(failures)} documents, the first: {failures[0]}")


def _hits(response: dict[str, Any]) -> Hits:
    hits = response["hits"]["hits"]
    return Hits(
        ids=[hit["_source"]["object_id"] for hit in hits],
        total=response["hits"]["total"]["value"],
        scores=[float(hit["_score"]) for hit in hits],
        by_lyrics=[hit["_source"]["object_id"] for hit in hits if hit.get("matched_queries") == ["lyrics"]],
    )
