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
        filters = [Term("locale", locale)] + ([Term("category", category)] if category else [])
        with self._index.searcher(weighting=BM25F()) as searcher:
            tree = self._query(terms, searcher, fuzzy=False)
            needs_fuzzy = tree is None or any(
                all(searcher.doc_frequency(f, t) == 0 for f in FIELDS) for t in terms
            )
            if needs_fuzzy:
                tree = self._query(terms, searcher, fuzzy=True)
            if tree is None:
                return result
            hits = searcher.search_page(tree, result.page, pagelen=per_page, filter=And(filters))
            result.total = hits.total
            wanted = set(terms)
            for hit in hits:
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
