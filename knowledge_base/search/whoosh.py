"""The Whoosh backend: the only module that imports whoosh.

Text is analysed by `analysis.py` before it reaches Whoosh (fields hold space-separated terms),
so every language gets the same lemmatizer as the linker and user input never meets Whoosh's
query parser (no query-syntax injection). One-letter typos are tolerated by retrying unknown
terms as fuzzy terms.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, FuzzyTerm, Or, Term
from whoosh.scoring import BM25F

from knowledge_base.search.analysis import analyse, query_terms
from knowledge_base.search.base import SearchDocument, SearchHit, SearchPage, snippet

MAX_TERMS = 6
FIELDS = {"title_terms": 3.0, "tag_terms": 2.0, "category_terms": 1.5, "body_terms": 1.0}


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

    def _query(self, terms: list[str], searcher, fuzzy: bool):
        clauses = []
        for term in terms:
            per_field = []
            for field, boost in FIELDS.items():
                known = searcher.doc_frequency(field, term) > 0
                if known:
                    per_field.append(Term(field, term, boost=boost))
                elif fuzzy and len(term) >= 4 and field != "category_terms":
                    per_field.append(FuzzyTerm(field, term, boost=boost * 0.6, maxdist=1, prefixlength=1))
            if per_field:
                clauses.append(Or(per_field))
        return Or(clauses) if clauses else None

    def search(
        self, query: str, locale: str, *, category: str = "", page: int = 1, per_page: int = 10
    ) -> SearchPage:
        """Published articles of `locale` matching the query, best first."""
        terms = query_terms(query, locale)
        result = SearchPage(page=max(1, page), per_page=per_page)
        if not terms:
            return result
        searcher = self._current_searcher()
        terms = self._most_selective(searcher, terms)
        tree = self._query(terms, searcher, fuzzy=False)
        if tree is None or any(all(searcher.doc_frequency(f, t) == 0 for f in FIELDS) for t in terms):
            tree = self._query(terms, searcher, fuzzy=True)
        if tree is None:
            return result
        required = [Term("locale", locale)] + ([Term("category", category)] if category else [])
        # the locale (and category) are required terms of the query, not a filter: the
        # intersection skips through postings instead of building a document set per query
        hits = searcher.search(And([*required, tree]), limit=result.page * per_page, terms=False)
        result.total = _total(hits, result.page * per_page)
        wanted = set(terms)
        for hit in hits[(result.page - 1) * per_page : result.page * per_page]:
            result.hits.append(
                SearchHit(
                    article_id=int(hit["doc_id"]),
                    slug=hit["slug"],
                    title=hit["title"],
                    snippet_html=snippet(hit["body_text"], wanted, locale),
                    score=hit.score,
                )
            )
        return result

    def _most_selective(self, searcher, terms: list[str]) -> list[str]:
        """At most MAX_TERMS query terms, the rarest first: common words barely change the ranking."""
        if len(terms) <= MAX_TERMS:
            return terms
        frequency = {t: sum(searcher.doc_frequency(f, t) for f in FIELDS) for t in terms}
        return sorted(terms, key=lambda t: (frequency[t] == 0, frequency[t]))[:MAX_TERMS]

    def _current_searcher(self):
        """One long-lived searcher, refreshed when the index has changed."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # a fresh reader: refresh() reuses segment readers and can keep stale deletions
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._index.searcher(weighting=BM25F())
        return self._searcher


def _total(hits, limit: int) -> int:
    """Exact when fewer than `limit` matched, else Whoosh's estimate (an exact count scans everything)."""
    found = hits.scored_length()
    if found < limit:
        return found
    try:
        return max(found, hits.estimated_length())
    except ValueError:  # fuzzy terms cannot estimate
        return found
