"""PostgreSQL full-text search backend, for deployments with several web hosts.

Documents are analysed by `analysis.py` (the same lemmas and stems as the Whoosh backend) and
stored as tsvectors with weights A (title), B (tags, category) and D (body) in `kb_search`.
Unknown words are corrected against the vocabulary table `kb_search_words` (every indexed term
per locale, kept up to date by `index`), by primary-key lookups and key ranges (`typos.py`): a
typo never scans the index (pg_trgm is not required). Ranking is BM25F-like, as Whoosh's: each
field (title, tags and category, body) has its own boost and idf (see SEARCH_SQL).
The vocabulary may keep words of removed articles until the next `clear` (`portal kb reindex`);
such a word only adds a query term that matches nothing.
"""

from __future__ import annotations

import math

from sqlalchemy import Engine, text

from knowledge_base.search.analysis import analyse
from knowledge_base.search.base import SearchDocument, SearchHit, SearchPage, snippet
from knowledge_base.search.plan import Group, plan

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
    word text COLLATE "C" NOT NULL,
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
#: Known words among :w with their document frequency (counted in the GIN index for known words only).
KNOWN_WORDS = """
SELECT v.word, (SELECT count(*) FROM kb_search
                WHERE locale = :locale AND document @@ plainto_tsquery('simple', v.word))
FROM kb_search_words v WHERE v.locale = :locale AND v.word = ANY(:w)
"""
#: A key range, so the primary key's B-tree answers it whatever the collation.
PREFIXED_WORDS = (
    "SELECT word FROM kb_search_words WHERE locale = :locale AND word >= :p "
    "AND word < :p || chr(1114111) ORDER BY word LIMIT :limit"
)
PREFIX_LIMIT = 20


WHERE = (
    "document @@ to_tsquery('simple', :q) AND locale = :locale AND (:category = '' OR category = :category)"
)
COUNT_SQL = "SELECT count(*) FROM kb_search WHERE " + WHERE  # noqa: S608 (constants only)
#: Documents of the locale, and how many of them hold each query term in the title (weight A),
#: in the tags and category (B) and in the body (D): each field has its own idf, as in Whoosh's BM25F.
FREQUENCY_SQL = """
SELECT (SELECT count(*) FROM kb_search WHERE locale = :locale),
       array(SELECT (SELECT ARRAY[count(*) FILTER (WHERE x.d @@ t.a), count(*) FILTER (WHERE x.d @@ t.b),
                                  count(*) FILTER (WHERE x.d @@ t.d)]
                     FROM kb_search, LATERAL (SELECT document || '' AS d OFFSET 0) AS x
                     WHERE locale = :locale AND document @@ t.q)
             FROM unnest(CAST(:terms AS tsquery[]), CAST(:a AS tsquery[]), CAST(:b AS tsquery[]),
                         CAST(:d AS tsquery[])) WITH ORDINALITY AS t(q, a, b, d, n) ORDER BY t.n)
"""
#: BM25F-like, as the Whoosh backend: per query term and field, the term's weight times the
#: field's boost times the term's idf in that field times ts_rank's saturating frequency of the
#: term in that field alone (the body's normalised by the document's length); the sum is scaled
#: by the share of the query's words (groups of terms) the document matches (coordination).
#: The document is decompressed once per row (x.d), not once per term and field.
SEARCH_SQL = (
    "SELECT article_id, slug, title, body_text, "  # noqa: S608 (constants only)
    "s.score * (1 - :coord + :coord * s.matched / CAST(:n AS float8)) AS score "
    "FROM kb_search, LATERAL (SELECT document || '' AS d OFFSET 0) AS x, LATERAL ("
    "  SELECT sum(t.wa * ts_rank('{0, 0, 0, 1}', x.d, t.q, :norm)"
    "           + t.wb * ts_rank('{0, 0, 1, 0}', x.d, t.q, :norm)"
    "           + t.wd * ts_rank('{1, 0, 0, 0}', x.d, t.q, :norm)) AS score,"
    "         count(DISTINCT t.g) FILTER (WHERE x.d @@ t.q) AS matched"
    "  FROM unnest(CAST(:terms AS tsquery[]), CAST(:wa AS float8[]), CAST(:wb AS float8[]),"
    "              CAST(:wd AS float8[]), CAST(:groups AS integer[]))"
    "  AS t(q, wa, wb, wd, g)) AS s "
    "WHERE " + WHERE + " ORDER BY score DESC, article_id LIMIT :limit OFFSET :offset"
)
#: Boosts of the title (A), the tags and category (B) and the body (D); below Whoosh's (2, 1.5, 1)
#: because a title's own idf is already higher (Whoosh's 2, 1.5 lost summary queries here).
BOOSTS = (1.5, 1.2, 1.0)
#: The tsvector weight of each field, in the order of BOOSTS.
FIELDS = "ABD"
#: ts_rank's normalisation: the rank divided by 1 + the logarithm of the document's length.
NORMALISATION = 1
COORDINATION = 0.7


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

    def _plan(self, conn, query: str, locale: str) -> list[Group]:
        def known(words) -> dict[str, int]:
            """Indexed words among `words` (primary-key lookups, no index scan), with their counts."""
            rows = conn.execute(text(KNOWN_WORDS), {"locale": locale, "w": list(words)})
            return {r[0]: max(1, r[1]) for r in rows}

        def with_prefix(prefix: str) -> dict[str, int]:
            rows = conn.execute(text(PREFIXED_WORDS), {"locale": locale, "p": prefix, "limit": PREFIX_LIMIT})
            return known([r[0] for r in rows])

        return plan(query, locale, known, with_prefix)

    def search(
        self, query: str, locale: str, *, category: str = "", page: int = 1, per_page: int = 10
    ) -> SearchPage:
        """Published articles of `locale` matching the query, best first."""
        result = SearchPage(page=max(1, page), per_page=per_page)
        with self.engine.connect() as conn:
            groups = self._plan(conn, query, locale)
            if not groups:
                return result
            terms = [(_quote(t), weight, n) for n, g in enumerate(groups) for t, weight in g.terms]
            lexemes = [lexeme for lexeme, _, _ in terms]
            frequency = {"locale": locale, "terms": lexemes}
            frequency.update({f.lower(): [f"{lexeme}:{f}" for lexeme in lexemes] for f in FIELDS})
            documents, counts = conn.execute(text(FREQUENCY_SQL), frequency).one()
            per_field = [n for row in counts for n in row]
            wa, wb, wd = field_weights([w for _, w, _ in terms], documents, per_field)
            params = {
                "q": " | ".join(lexemes),
                "terms": lexemes,
                "wa": wa,
                "wb": wb,
                "wd": wd,
                "norm": NORMALISATION,
                "groups": [n for _, _, n in terms],
                "coord": COORDINATION,
                "n": len(groups),
                "locale": locale,
                "category": category,
                "limit": per_page,
                "offset": (result.page - 1) * per_page,
            }
            result.total = conn.execute(text(COUNT_SQL), params).scalar_one()
            rows = conn.execute(text(SEARCH_SQL), params).all()
        wanted = {term for group in groups for term, _ in group.terms}
        result.hits = [
            SearchHit(r.article_id, r.slug, r.title, snippet(r.body_text, wanted, locale), float(r.score))
            for r in rows
        ]
        return result


def field_weights(
    weights: list[float], documents: int, per_field: list[int]
) -> tuple[list[float], list[float], list[float]]:
    """Per field (title, tags and category, body), each term's plan weight times the field's boost
    times the term's idf in that field; `per_field` holds, term after term, the number of the
    `documents` having the term in each field of FIELDS."""
    fields: tuple[list[float], ...] = ([], [], [])
    for k, weight in enumerate(weights):
        for j, boost in enumerate(BOOSTS):
            fields[j].append(weight * boost * _idf(documents, per_field[len(FIELDS) * k + j]))
    return fields[0], fields[1], fields[2]


def _idf(documents: int, matching: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (documents - matching + 0.5) / (matching + 0.5))


def _quote(term: str) -> str:
    """A term as a tsquery lexeme (quoted: user input never becomes tsquery syntax)."""
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"
