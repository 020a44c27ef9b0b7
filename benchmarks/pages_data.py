"""Data for the page benchmark: the demo company, then (for "large") bulk-inserted rows.

small: the demo (~55 articles in four languages, its users, offers and link suggestions)
       plus 100 service requests, 25 of them the demo customer's (so every list page is full);
large: the same plus 20,000 generated articles (demo categories, tags and sentences, four
       languages) and 100,000 service requests from 1,000 generated customers
       (100 of them the demo customer's).

Rows are inserted in bulk (ORM bulk INSERT, thousands per statement batch), the search
index is filled in batches of 1,000.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import Article, ArticleStatus, Category
from knowledge_base.search import SearchDocument
from portal import migrate
from portal.db import get_session
from portal.kb import search_service
from portal.marketing import linking
from portal.models import (
    ArticleTag,
    LinkSuggestion,
    Priority,
    RequestStatus,
    ServiceRequest,
    SuggestionState,
    User,
)
from portal.seed import demo_articles_folder, seed_demo_data

CUSTOMER = "customer@example.com"
AGENT = "agent@example.com"
SENTENCE = re.compile(r"(?<=[.!?])\s+")
STATUS_MIX = (
    [RequestStatus.CLOSED] * 6
    + [RequestStatus.RESOLVED] * 2
    + [
        RequestStatus.NEW,
        RequestStatus.OPEN,
        RequestStatus.WAITING_ON_CUSTOMER,
    ]
)


@dataclass(frozen=True)
class Sizes:
    """How much to add to the demo."""

    articles: int
    requests: int
    customer_requests: int
    customers: int


SMALL = Sizes(articles=0, requests=100, customer_requests=25, customers=10)
LARGE = Sizes(articles=20_000, requests=100_000, customer_requests=100, customers=1_000)


@dataclass(frozen=True)
class Seeded:
    """What the benchmark reads: the article to open and a search query."""

    article_slug: str
    links_shown: int
    search_query: str
    articles: int
    requests: int


def seed(app: Flask, sizes: Sizes, rng: random.Random) -> Seeded:
    """Migrate, load the demo, approve its link suggestions, add the bulk rows."""
    with app.app_context():
        migrate.upgrade(app)
        db = get_session()
        seed_demo_data(db, app.config)
        search_service.reindex(db)
        db.execute(
            update(LinkSuggestion)
            .where(LinkSuggestion.state == SuggestionState.PENDING)
            .values(state=SuggestionState.APPROVED, reviewed_at=utcnow())
        )
        db.commit()
        slug, shown = _article_with_most_links(db, app)
        _add_customers(db, sizes.customers)
        _add_requests(db, sizes, rng)
        _add_articles(db, app, sizes.articles, rng)
        db.commit()
        migrate.analyze(app)  # what `portal db analyze` does after a bulk load
        return Seeded(
            article_slug=slug,
            links_shown=shown,
            search_query="washing machine",
            articles=db.query(Article).count(),
            requests=db.query(ServiceRequest).count(),
        )


def _article_with_most_links(db: Session, app: Flask) -> tuple[str, int]:
    customer = db.scalar(select(User).where(User.email == CUSTOMER))
    best = ("", 0)
    for article in db.scalars(
        select(Article).where(Article.status == ArticleStatus.PUBLISHED, Article.locale == "en")
    ):
        shown = len(linking.visible_suggestions(db, article, customer, app.config))
        if shown > best[1]:
            best = (article.slug, shown)
    if not best[1]:
        raise SystemExit("no demo article shows approved links to the consenting customer")
    return best


def _add_customers(db: Session, count: int) -> None:
    hashed = db.scalar(select(User.password_hash).where(User.email == CUSTOMER))
    now = utcnow()
    db.execute(
        insert(User),
        [
            {
                "email": f"bench{n}@example.com",
                "name": f"Bench Customer {n}",
                "password_hash": hashed,
                "email_confirmed_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ],
    )


def _add_requests(db: Session, sizes: Sizes, rng: random.Random) -> None:
    demo = db.scalar(select(User.id).where(User.email == CUSTOMER))
    others = list(db.scalars(select(User.id).where(User.email.like("bench%@example.com"))))
    categories = list(db.scalars(select(Category.id)))
    now = utcnow()
    rows = []
    for n in range(sizes.requests):
        created = now - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
        status = rng.choice(STATUS_MIX)
        rows.append(
            {
                "reference": f"SR-2025-{n + 1:06d}",
                "customer_id": demo if n < sizes.customer_requests else rng.choice(others),
                "subject": f"Bench request {n}: the machine stops mid-cycle",
                "description": "It stops after ten minutes and shows an error code.",
                "category_id": rng.choice(categories),
                "priority": rng.choice(list(Priority)),
                "status": status,
                "resolution_due": created + timedelta(days=5),
                "first_response_due": created + timedelta(days=1),
                "created_at": created,
                "updated_at": created,
                "version": 1,
                "channel": "web",
            }
        )
        if len(rows) == 5000:
            db.execute(insert(ServiceRequest), rows)
            rows = []
    if rows:
        db.execute(insert(ServiceRequest), rows)


def _demo_sentences() -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for path in demo_articles_folder().glob("*/*.md"):
        body = path.read_text("utf-8").split("---", 2)[2]
        text = re.sub(r"[#*_`>|-]", " ", body)
        sentences = [s.strip() for s in SENTENCE.split(text) if len(s.split()) > 3]
        by_lang.setdefault(path.parent.name, []).extend(sentences)
    return by_lang


def _add_articles(db: Session, app: Flask, count: int, rng: random.Random) -> None:
    if not count:
        return
    sentences = _demo_sentences()
    langs = sorted(sentences)
    categories = list(db.execute(select(Category.id, Category.slug)))
    tags = sorted({t for a in db.scalars(select(Article)) for t in a.tags or []})
    now = utcnow()
    rows, docs = [], []
    for n in range(count):
        lang = langs[n % len(langs)]
        pool = sentences[lang]
        title = " ".join(rng.choice(pool).split()[:8])[:190]
        paragraphs = ["<p>" + " ".join(rng.choice(pool) for _ in range(4)) + "</p>" for _ in range(3)]
        category_id, category_slug = rng.choice(categories)
        row = {
            "slug": f"bench-{n // len(langs)}",
            "locale": lang,
            "translation_key": f"bench-{n // len(langs)}",
            "category_id": category_id,
            "status": ArticleStatus.PUBLISHED,
            "title": title,
            "tags": rng.sample(tags, 2),
            "body_html": "\n".join(paragraphs),
            "published_at": now - timedelta(days=rng.randint(1, 900)),
            "updated_at": now,
            "helpful_yes": rng.randint(0, 50),
            "helpful_no": rng.randint(0, 10),
            "views": rng.randint(0, 5000),
        }
        rows.append(row)
        if len(rows) == 1000:
            docs += _insert_articles(db, rows, dict(categories))
            rows = []
    if rows:
        docs += _insert_articles(db, rows, dict(categories))
    db.commit()
    search = search_service.backend(app)
    for start in range(0, len(docs), 1000):
        search.index(docs[start : start + 1000])


def _insert_articles(db: Session, rows: list[dict], slugs: dict[int, str]) -> list[SearchDocument]:
    ids = db.scalars(insert(Article).returning(Article.id, sort_by_parameter_order=True), rows).all()
    tag_rows = [{"article_id": i, "tag": t} for i, row in zip(ids, rows, strict=True) for t in row["tags"]]
    db.execute(insert(ArticleTag), tag_rows)
    return [
        SearchDocument(
            article_id=article_id,
            slug=row["slug"],
            locale=row["locale"],
            title=row["title"],
            body_text=re.sub(r"<[^>]+>", " ", row["body_html"]),
            tags=tuple(row["tags"]),
            category=slugs[row["category_id"]],
        )
        for article_id, row in zip(ids, rows, strict=True)
    ]
