"""PostgreSQL full-text search backend, for deployments with several web hosts.

Documents are analysed by `analysis.py` (the same lemmas and stems as the Whoosh backend) and
stored as tsvectors with weights A (title), B (tags, category) and D (body) in `kb_search`.
One-letter typos are retried against the vocabulary table `kb_search_words` (every indexed term
per locale, kept up to date by `index`), by primary-key lookups: a typo never scans the index
(pg_trgm is not required). The vocabulary may keep words of removed articles until the next
`clear` (`portal kb reindex`); such a word only adds a query term that matches nothing.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from knowledge_base.search.analysis import analyse, query_terms
from knowledge_base.search.base import SearchDocument, SearchHit, SearchPage, snippet

DDL = """
CREATE TABLE IF NOT EXISTS kb_search (
    article_id integer PRIMARY KEY,
    locale varchar(8) NOT NULL,
    slug varchar(120) NOT NULL,
    category varchar(120) NOT NULL DEFAULT '',
    title text NOT NULL,
    body_text text NOT NULL,
    document tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_kb_search_document ON kb_search USING gin (document);
CREATE INDEX IF NOT EXISTS ix_kb_search_locale ON kb_search (locale);
CREATE TABLE IF NOT EXISTS kb_search_words (
    locale varchar(8) NOT NULL,
    word text NOT NULL,
    PRIMARY KEY (locale, word)
);
"""

#: The terms of the given documents join their locale's vocabulary.
ADD_WORDS = """
INSERT INTO kb_search_words (locale, word)
SELECT DISTINCT locale, unnest(tsvector_to_array(document)) FROM kb_search WHERE article_id = ANY(:ids)
ON CONFLICT DO NOTHING
"""
#: Once, for an index built before the vocabulary table existed (a no-op when it has rows).
BACKFILL_WORDS = """
INSERT INTO kb_search_words (locale, word)
SELECT DISTINCT locale, unnest(tsvector_to_array(document)) FROM kb_search
WHERE NOT EXISTS (SELECT 1 FROM kb_search_words)
ON CONFLICT DO NOTHING
"""
KNOWN_WORDS = "SELECT word FROM kb_search_words WHERE locale = :locale AND word = ANY(:w)"


WHERE = (
    "document @@ to_tsquery('simple', :q) AND locale = :locale AND (:category = '' OR category = :category)"
)
COUNT_SQL = "SELECT count(*) FROM kb_search WHERE " + WHERE  # noqa: S608 (constants only)
SEARCH_SQL = (
    "SELECT article_id, slug, title, body_text, "
    "ts_rank_cd('{0.1, 0.3, 0.6, 1.0}', document, to_tsquery('simple', :q)) AS score "
    "FROM kb_search WHERE " + WHERE + " ORDER BY score DESC, article_id LIMIT :limit OFFSET :offset"
)


def _edits1(word: str) -> set[str]:
    letters = {c for c in word}
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return deletes | transposes | replaces | inserts


class PostgresBackend:
    """Articles in a PostgreSQL table with a GIN-indexed tsvector."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as conn:
            conn.execute(text(DDL))
            conn.execute(text(BACKFILL_WORDS))

    def index(self, documents: list[SearchDocument]) -> None:
        rows = []
        for doc in documents:
            lang = doc.locale
            rows.append(
                {
                    "id": doc.article_id,
                    "locale": doc.locale,
                    "slug": doc.slug,
                    "category": doc.category,
                    "title": doc.title,
                    "body": doc.body_text,
                    "t": " ".join(analyse(doc.title, lang)),
                    "g": " ".join(analyse(" ".join(doc.tags) + " " + doc.category.replace("-", " "), lang)),
                    "b": " ".join(analyse(doc.body_text, lang)),
                }
            )
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(
                text("""
                INSERT INTO kb_search (article_id, locale, slug, category, title, body_text, document)
                VALUES (:id, :locale, :slug, :category, :title, :body,
                        setweight(to_tsvector('simple', :t), 'A') || setweight(to_tsvector('simple', :g), 'B')
                        || setweight(to_tsvector('simple', :b), 'D'))
                ON CONFLICT (article_id) DO UPDATE SET locale = EXCLUDED.locale, slug = EXCLUDED.slug,
                    category = EXCLUDED.category, title = EXCLUDED.title, body_text = EXCLUDED.body_text,
                    document = EXCLUDED.document
            """),
                rows,
            )
            conn.execute(text(ADD_WORDS), {"ids": [row["id"] for row in rows]})

    def remove(self, article_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM kb_search WHERE article_id = :id"), {"id": article_id})

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM kb_search"))
            conn.execute(text("DELETE FROM kb_search_words"))

    def _known(self, conn, terms: list[str], locale: str) -> set[str]:
        """Which of `terms` are in the locale's vocabulary (primary-key lookups, no index scan)."""
        rows = conn.execute(text(KNOWN_WORDS), {"locale": locale, "w": terms})
        return {r[0] for r in rows}

    def _with_typos(self, conn, terms: list[str], locale: str) -> list[list[str]]:
        """Each term with up to 5 known words one edit away, when the term itself is unknown."""
        known = self._known(conn, terms, locale)
        groups = []
        for term in terms:
            if term in known or len(term) < 4:
                groups.append([term])
                continue
            candidates = sorted(_edits1(term))[:2000]
            found = self._known(conn, candidates, locale)
            groups.append([term, *sorted(found)[:5]])
        return groups

    def search(
        self, query: str, locale: str, *, category: str = "", page: int = 1, per_page: int = 10
    ) -> SearchPage:
        terms = query_terms(query, locale)
        result = SearchPage(page=max(1, page), per_page=per_page)
        if not terms:
            return result
        with self.engine.connect() as conn:
            groups = self._with_typos(conn, terms, locale)
            tsquery = " | ".join("(" + " | ".join(_quote(t) for t in group) + ")" for group in groups)
            params = {
                "q": tsquery,
                "locale": locale,
                "category": category,
                "limit": per_page,
                "offset": (result.page - 1) * per_page,
            }
            result.total = conn.execute(text(COUNT_SQL), params).scalar_one()
            rows = conn.execute(text(SEARCH_SQL), params).all()
        wanted = {t for group in groups for t in group}
        result.hits = [
            SearchHit(r.article_id, r.slug, r.title, snippet(r.body_text, wanted, locale), float(r.score))
            for r in rows
        ]
        return result


def _quote(term: str) -> str:
    """A term as a tsquery lexeme (quoted: user input never becomes tsquery syntax)."""
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"
