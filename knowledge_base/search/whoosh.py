"""The Whoosh backend: the only module that imports whoosh.

Text is analysed by `analysis.py` before it reaches Whoosh (fields hold space-separated terms),
so every language gets the same lemmatizer as the linker and user input never meets Whoosh's
query parser (no query-syntax injection). Every word of a query counts (see `plan.py`); an
unknown word is replaced by its corrections, found by term-dictionary lookups (`typos.py`).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, Or, Term
from whoosh.scoring import BM25F

from knowledge_base.search.analysis import analyse
from knowledge_base.search.base import SearchDocument, SearchHit, SearchPage, snippet
from knowledge_base.search.plan import Group, plan

FIELDS = {"title_terms": 2.0, "tag_terms": 1.5, "category_terms": 1.0, "body_terms": 1.0}
#: Share of a document's score that depends on how many of the query's words it matches.
COORDINATION = 0.7
#: Hits re-ranked by coordination; further pages keep Whoosh's order.
RERANKED = 20
PREFIX_LIMIT = 20


def _schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    return Schema(
        doc_id=ID(unique=True, stored=True),
        locale=ID(stored=True),
        slug=STORED(),
        category=KEYWORD(stored=True),
        title=STORED(),
        body_text=STORED(),
        title_terms=TEXT(analyzer=terms),
        tag_terms=TEXT(analyzer=terms),
        category_terms=TEXT(analyzer=terms),
        body_terms=TEXT(analyzer=terms),
    )


class WhooshBackend:
    """Articles indexed in a Whoosh index under the instance folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._searcher = None
        if whoosh_index.exists_in(str(self.folder)):
            self._index = whoosh_index.open_dir(str(self.folder))
        else:
            self._index = whoosh_index.create_in(str(self.folder), _schema())

    def _fields(self, doc: SearchDocument) -> dict:
        lang = doc.locale
        return {
            "doc_id": str(doc.article_id),
            "locale": doc.locale,
            "slug": doc.slug,
            "category": doc.category,
            "title": doc.title,
            "body_text": doc.body_text,
            "title_terms": " ".join(analyse(doc.title, lang)),
            "tag_terms": " ".join(t for tag in doc.tags for t in analyse(tag, lang)),
            "category_terms": " ".join(analyse(doc.category.replace("-", " ").replace("/", " "), lang)),
            "body_terms": " ".join(analyse(doc.body_text, lang)),
        }

    def index(self, documents: list[SearchDocument]) -> None:
        """Add or replace documents."""
        with self._index.writer(limitmb=256) as writer:
            for doc in documents:
                writer.update_document(**self._fields(doc))

    def remove(self, article_id: int) -> None:
        with self._index.writer() as writer:
            writer.delete_by_term("doc_id", str(article_id))

    def clear(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._index = whoosh_index.create_in(str(self.folder), _schema())

    def _query(self, groups: list[Group]):
        clauses = []
        for group in groups:
            per_field = [
                Term(field, term, boost=boost * weight)
                for term, weight in group.terms
                for field, boost in FIELDS.items()
            ]
            clauses.append(Or(per_field))
        return _Union(clauses) if clauses else None

    def _plan(self, query: str, locale: str, searcher) -> list[Group]:
        reader = searcher.reader()

        def known(words) -> dict[str, int]:
            frequency = {w: sum(reader.doc_frequency(f, w) for f in FIELDS) for w in words}
            return {w: n for w, n in frequency.items() if n}

        def with_prefix(prefix: str) -> dict[str, int]:
            # Whoosh's lexicon yields bytes; the query plan works on text
            found = {
                t.decode("utf-8") if isinstance(t, bytes) else t
                for f in FIELDS
                for t in islice(reader.expand_prefix(f, prefix), PREFIX_LIMIT)
            }
            return known(found)

        return plan(query, locale, known, with_prefix)

    def search(
        self, query: str, locale: str, *, category: str = "", page: int = 1, per_page: int = 10
    ) -> SearchPage:
        """Published articles of `locale` matching the query, best first."""
        result = SearchPage(page=max(1, page), per_page=per_page)
        searcher = self._current_searcher()
        groups = self._plan(query, locale, searcher)
        tree = self._query(groups)
        if tree is None:
            return result
        required = [Term("locale", locale)] + ([Term("category", category)] if category else [])
        # the locale (and category) are required terms of the query, not a filter: the
        # intersection skips through postings instead of building a document set per query
        limit = result.page * per_page
        hits = searcher.search(And([*required, tree]), limit=max(limit, RERANKED), terms=True)
        result.total = _total(hits, limit)
        wanted = {term for group in groups for term, _ in group.terms}
        for hit, score in _coordinated(hits, groups)[(result.page - 1) * per_page : limit]:
            result.hits.append(
                SearchHit(
                    article_id=int(hit["doc_id"]),
                    slug=hit["slug"],
                    title=hit["title"],
                    snippet_html=snippet(hit["body_text"], wanted, locale),
                    score=score,
                )
            )
        return result

    def _current_searcher(self):
        """One long-lived searcher, refreshed when the index has changed."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # a fresh reader: refresh() reuses segment readers and can keep stale deletions
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._index.searcher(weighting=BM25F())
        return self._searcher


class _Union(Or):
    """An Or that always unions its clauses' matchers (Whoosh's array matcher, which it picks
    for small indexes, scored long OR-queries wrongly in our relevance bench)."""

    matcher_type = Or.DEFAULT_MATCHER


def _coordinated(hits, groups: list[Group]) -> list[tuple[object, float]]:
    """Hits with their score scaled by the share of query words they match, best first."""
    group_of = {term: index for index, group in enumerate(groups) for term, _ in group.terms}
    scored = []
    for rank, hit in enumerate(hits):
        matched = {group_of.get(_text(term)) for _, term in hit.matched_terms()} - {None}
        share = len(matched) / len(groups)
        scored.append((hit.score * (1 - COORDINATION + COORDINATION * share), -rank, hit))
    scored.sort(key=lambda row: row[:2], reverse=True)
    return [(hit, score) for score, _, hit in scored]


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _total(hits, limit: int) -> int:
    """Exact when fewer than `limit` matched, else Whoosh's estimate (an exact count scans everything)."""
    found = hits.scored_length()
    if found < limit:
        return found
    try:
        return max(found, hits.estimated_length())
    except ValueError:  # fuzzy terms cannot estimate
        return found
