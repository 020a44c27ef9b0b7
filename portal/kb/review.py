"""A reviewer's decision on an article revision, shared by the staff pages and the API.

Who may decide is asked of `portal.access` (four-eyes included); the rules are `knowledge_base.workflow`'s.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from knowledge_base import workflow
from knowledge_base.models import Article, ArticleRevision
from portal import access, audit, jobs
from portal.access import Action
from portal.kb import search_service
from portal.models import User
from portal.webhooks import events as webhooks


def four_eyes() -> bool:
    """PORTAL_KB_FOUR_EYES: nobody approves a revision they wrote."""
    return bool(current_app.config.get("KB_FOUR_EYES"))


def _audit(session: Session, action: str, actor: User, article: Article, revision: ArticleRevision) -> None:
    target = f"{article.locale}:{article.slug}"
    audit.record(session, action, actor=actor, target=target, revision=revision.id)


def approve(session: Session, revision: ArticleRevision, reviewer: User, comment: str) -> Article:
    """Publish `revision` (403 for its author under four-eyes, FieldError unless in review).

    Queues the `article.published` webhook and the audit entry; the caller commits, then calls `after_commit`.
    """
    access.check(revision, Action.REVIEW)
    article = revision.article
    workflow.publish(session, revision, reviewer.id, comment, four_eyes=four_eyes())
    webhooks.article_published(session, article)
    audit.record(
        session,
        "article.published",
        actor=reviewer,
        target=f"{article.locale}:{article.slug}",
        revision=revision.id,
    )
    return article


def send_back(session: Session, revision: ArticleRevision, reviewer: User, comment: str) -> Article:
    """Return `revision` to its author with `comment` (FieldError without one); the caller commits."""
    article = revision.article
    workflow.send_back(session, revision, reviewer.id, comment)
    audit.record(
        session,
        "article.sent_back",
        actor=reviewer,
        target=f"{article.locale}:{article.slug}",
        revision=revision.id,
    )
    return article


def after_commit(article: Article, revision: ArticleRevision) -> None:
    """Refresh the search index, and scan a newly published text for links (off the request path)."""
    search_service.sync([article])
    if article.published_revision_id == revision.id:
        jobs.request_scan(article.id)
