"""Article curation: revisions, review, publishing, archiving, restore, diff.

Plain functions on a SQLAlchemy session; they never commit and never touch the search index
(the caller updates it after the commit, and `portal kb reindex` repairs any gap).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, Category, RevisionState
from knowledge_base.render import render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LOCALES = ("en", "pl", "cs", "ru")
MAX_TITLE = 200
MAX_BODY = 200_000
MAX_TAGS = 20


def N_(message: str) -> str:
    """Mark a message for translation; the portal translates it when it shows it."""
    return message


class ArticleError(ValueError):
    """An article rule was broken; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class Draft:
    """The editable content of an article."""

    title: str
    body_md: str
    tags: list[str]
    comment: str = ""


def slugify(text: str) -> str:
    """An ASCII slug from a title ("Čištění filtru" -> "cisteni-filtru")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120] or "article"


def clean_tags(raw: list[str] | str) -> list[str]:
    """Tags as a de-duplicated list of short lower-case words."""
    items = raw.split(",") if isinstance(raw, str) else raw
    tags: list[str] = []
    for item in items:
        tag = re.sub(r"\s+", " ", str(item)).strip().lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def _check(draft: Draft) -> Draft:
    title, body = draft.title.strip(), draft.body_md.strip()
    if not title:
        raise ArticleError(N_("Give the article a title."), "title")
    if len(title) > MAX_TITLE:
        raise ArticleError(N_("Keep the title under 200 characters."), "title")
    if not body:
        raise ArticleError(N_("Write the article text."), "body")
    if len(body) > MAX_BODY:
        raise ArticleError(N_("The article is too long."), "body")
    return Draft(title, body, clean_tags(draft.tags), draft.comment.strip()[:500])


def find_article(session: Session, slug: str, locale: str) -> Article | None:
    return session.scalar(select(Article).where(Article.slug == slug, Article.locale == locale))


def create_article(
    session: Session,
    *,
    slug: str,
    locale: str,
    category: Category | None,
    draft: Draft,
    author_id: int | None,
    translation_key: str | None = None,
) -> Article:
    """A new article with its first (draft) revision."""
    draft = _check(draft)
    slug = slug.strip().lower() or slugify(draft.title)
    if not SLUG.match(slug) or len(slug) > 120:
        raise ArticleError(N_("Use lower-case letters, digits and hyphens for the slug."), "slug")
    if locale not in LOCALES:
        raise ArticleError(N_("Choose a language."), "locale")
    if find_article(session, slug, locale) is not None:
        raise ArticleError(N_("An article with this slug and language already exists."), "slug")
    article = Article(
        slug=slug,
        locale=locale,
        translation_key=translation_key or slug,
        category=category,
        status=ArticleStatus.DRAFT,
        title=draft.title,
        tags=draft.tags,
    )
    session.add(article)
    article.revisions.append(
        ArticleRevision(
            title=draft.title,
            body_md=draft.body_md,
            tags=draft.tags,
            author_id=author_id,
            comment=draft.comment or "Created",
        )
    )
    session.flush()
    return article


def save_revision(session: Session, article: Article, draft: Draft, author_id: int | None) -> ArticleRevision:
    """Every save is a new revision (a draft); the published one stays live."""
    draft = _check(draft)
    revision = ArticleRevision(
        title=draft.title, body_md=draft.body_md, tags=draft.tags, author_id=author_id, comment=draft.comment
    )
    article.revisions.append(revision)
    if article.status == ArticleStatus.ARCHIVED:
        article.status = ArticleStatus.DRAFT
    session.flush()
    return revision


def submit_for_review(session: Session, revision: ArticleRevision) -> None:
    """Ask a reviewer to look at a draft revision."""
    if revision.state not in (RevisionState.DRAFT, RevisionState.SENT_BACK):
        raise ArticleError(N_("Only a draft can be sent for review."))
    revision.state = RevisionState.IN_REVIEW
    if revision.article.status in (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED):
        revision.article.status = ArticleStatus.IN_REVIEW


def publish(
    session: Session, revision: ArticleRevision, reviewer_id: int | None, comment: str = ""
) -> Article:
    """Approve a revision: it becomes the live text of the article."""
    article = revision.article
    previous = article.published_revision
    if previous is not None and previous.id != revision.id:
        previous.state = RevisionState.SUPERSEDED
    revision.state = RevisionState.PUBLISHED
    revision.reviewer_id, revision.reviewed_at, revision.review_comment = (
        reviewer_id,
        utcnow(),
        comment.strip(),
    )
    article.published_revision = revision
    article.title, article.tags = revision.title, list(revision.tags or [])
    article.body_html = render_markdown(revision.body_md)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = utcnow()
    session.flush()
    return article


def send_back(session: Session, revision: ArticleRevision, reviewer_id: int | None, comment: str) -> None:
    """Return a revision to its author with a comment; the live text does not change."""
    if revision.state != RevisionState.IN_REVIEW:
        raise ArticleError(N_("Only a revision in review can be sent back."))
    if not comment.strip():
        raise ArticleError(N_("Tell the author what to change."), "review_comment")
    revision.state = RevisionState.SENT_BACK
    revision.reviewer_id, revision.reviewed_at, revision.review_comment = (
        reviewer_id,
        utcnow(),
        comment.strip(),
    )
    article = revision.article
    if article.published_revision_id is None:
        article.status = ArticleStatus.DRAFT


def archive(session: Session, article: Article) -> None:
    """Take an article off the site (its revisions stay)."""
    article.status = ArticleStatus.ARCHIVED


def restore(
    session: Session, article: Article, revision: ArticleRevision, author_id: int | None
) -> ArticleRevision:
    """Start a new draft from an old revision."""
    return save_revision(
        session,
        article,
        Draft(
            revision.title, revision.body_md, list(revision.tags or []), f"Restored revision {revision.id}"
        ),
        author_id,
    )


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """Line diff as (kind, text) with kind in ' ', '+', '-'."""
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("? "):
            continue
        out.append((line[0], line[2:]))
    return out
