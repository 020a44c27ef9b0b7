"""Article feedback for editors: comments per article, a "needs update" list, handled comments.

The signal of an article is its unhandled negative feedback in the last `days` days: every "No"
vote counts one, every comment (on either vote) one more, so a written complaint outweighs a click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import Article, ArticleFeedback
from portal import audit
from portal.models import User

#: How far back the "needs update" list looks.
NEEDS_UPDATE_DAYS = 90


@dataclass(frozen=True)
class Signal:
    """One row of the "needs update" list."""

    article: Article
    negative: int
    comments: int

    @property
    def score(self) -> int:
        return self.negative + self.comments


def needs_update(session: Session, *, days: int = NEEDS_UPDATE_DAYS, limit: int = 100) -> list[Signal]:
    """Articles with unhandled negative votes or comments since `days` ago, strongest signal first."""
    negative = func.sum(case((ArticleFeedback.helpful.is_(False), 1), else_=0)).cast(Integer)
    comments = func.sum(case((ArticleFeedback.comment != "", 1), else_=0)).cast(Integer)
    rows = session.execute(
        select(ArticleFeedback.article_id, negative, comments, func.max(ArticleFeedback.created_at))
        .where(
            ArticleFeedback.handled.is_(False),
            ArticleFeedback.created_at >= utcnow() - timedelta(days=days),
        )
        .group_by(ArticleFeedback.article_id)
        .having((negative + comments) > 0)
        .order_by((negative + comments).desc(), func.max(ArticleFeedback.created_at).desc())
        .limit(limit)
    ).all()
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_([r[0] for r in rows])))}
    return [Signal(articles[r[0]], r[1] or 0, r[2] or 0) for r in rows if r[0] in articles]


def comments_for(session: Session, article: Article, *, limit: int = 200) -> list[ArticleFeedback]:
    """The article's feedback that carries a comment, unhandled first, newest first."""
    return list(
        session.scalars(
            select(ArticleFeedback)
            .where(ArticleFeedback.article_id == article.id, ArticleFeedback.comment != "")
            .order_by(ArticleFeedback.handled, ArticleFeedback.created_at.desc())
            .limit(limit)
        )
    )


def mark_handled(session: Session, feedback: ArticleFeedback, actor: User) -> None:
    """Take a comment off the "needs update" signal, with an audit entry; the caller commits."""
    if feedback.handled:
        return
    feedback.handled = True
    article = session.get(Article, feedback.article_id)
    target = f"{article.locale}:{article.slug}" if article else None
    audit.record(session, "article.feedback_handled", actor=actor, target=target, feedback=feedback.id)
