"""Stale translations, as Kitsune does it: bases, significance, "outdated" and "missing".

A translation revision records the source-language revision it translates (`based_on_id`).
A source revision is MINOR or MAJOR; once a MAJOR source revision has been published, every
translation whose live revision is based on an older source revision is *outdated*. A published
source article without a published translation in a language is *missing* there (a draft
translation does not count: readers cannot see it).

Translations saved before bases were recorded have no base: they are not flagged (nothing is
known about them) until a translator saves them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, RevisionState, Significance

#: Revision states that were once live (the published one and the ones it replaced).
WENT_LIVE = (RevisionState.PUBLISHED, RevisionState.SUPERSEDED)


def is_outdated(based_on_id: int | None, last_major_id: int | None) -> bool:
    """True when the source had a major revision published after the translation's base."""
    return based_on_id is not None and last_major_id is not None and based_on_id < last_major_id


def source_of(session: Session, article: Article) -> Article | None:
    """The published source-language article `article` translates (None for a source article)."""
    if article.locale == DEFAULT_LOCALE:
        return None
    return session.scalar(
        select(Article).where(
            Article.translation_key == article.translation_key,
            Article.locale == DEFAULT_LOCALE,
            Article.status == ArticleStatus.PUBLISHED,
        )
    )


def last_major_id(session: Session, source: Article) -> int | None:
    """The newest major source revision that went live (None when there is none)."""
    return session.scalar(
        select(func.max(ArticleRevision.id)).where(
            ArticleRevision.article_id == source.id,
            ArticleRevision.significance == Significance.MAJOR,
            ArticleRevision.state.in_(WENT_LIVE),
        )
    )


def outdated_original(session: Session, article: Article) -> Article | None:
    """The current original when the live translation `article` is outdated, else None."""
    source = source_of(session, article)
    if source is None:
        return None
    live = article.published_revision
    if live is None:
        return None
    return source if is_outdated(live.based_on_id, last_major_id(session, source)) else None


@dataclass
class LocaleReport:
    """One language on the localisation dashboard."""

    locale: str
    missing: list[Article] = field(default_factory=list)  # source articles with no translation
    outdated: list[tuple[Article, Article]] = field(default_factory=list)  # (translation, source)
    missing_count: int = 0
    outdated_count: int = 0


def _last_majors(session: Session) -> dict[int, int]:
    """Source article id -> id of its newest major revision that went live."""
    rows = session.execute(
        select(ArticleRevision.article_id, func.max(ArticleRevision.id))
        .join(Article, Article.id == ArticleRevision.article_id)
        .where(
            Article.locale == DEFAULT_LOCALE,
            ArticleRevision.significance == Significance.MAJOR,
            ArticleRevision.state.in_(WENT_LIVE),
        )
        .group_by(ArticleRevision.article_id)
    )
    return dict(rows.all())


def dashboard(session: Session, limit: int = 500) -> list[LocaleReport]:
    """Per translated language: the missing and the outdated articles (at most `limit` of each)."""
    sources = session.scalars(
        select(Article)
        .where(Article.locale == DEFAULT_LOCALE, Article.status == ArticleStatus.PUBLISHED)
        .order_by(Article.title)
    ).all()
    by_key = {s.translation_key: s for s in sources}
    reports = {code: LocaleReport(code) for code in LOCALES if code != DEFAULT_LOCALE}
    if not by_key:
        return list(reports.values())
    majors = _last_majors(session)
    live = aliased(ArticleRevision)
    translations = session.execute(
        select(Article, live.based_on_id)
        .join(live, live.id == Article.published_revision_id, isouter=True)
        .where(Article.locale != DEFAULT_LOCALE, Article.translation_key.in_(list(by_key)))
    ).all()
    present: dict[str, set[str]] = {code: set() for code in reports}
    for translation, based_on in translations:
        if translation.locale not in reports:
            continue
        if translation.status != ArticleStatus.PUBLISHED:
            continue  # a draft translation is still missing for readers
        present[translation.locale].add(translation.translation_key)
        source = by_key[translation.translation_key]
        if is_outdated(based_on, majors.get(source.id)):
            reports[translation.locale].outdated.append((translation, source))
    for code, report in reports.items():
        report.missing = [s for s in sources if s.translation_key not in present[code]]
        report.missing_count, report.outdated_count = len(report.missing), len(report.outdated)
        report.missing, report.outdated = report.missing[:limit], report.outdated[:limit]
    return list(reports.values())


def assume_current_base(session: Session, revision: ArticleRevision) -> None:
    """A translation revision going live without a recorded base is taken to translate the live source.

    Imports and the API do not say which source revision they translate; from then on, a major
    source change flags them like any other translation.
    """
    article = revision.article
    if revision.based_on_id is not None or article.locale == DEFAULT_LOCALE:
        return
    source = source_of(session, article)
    if source is not None and source.published_revision_id is not None:
        revision.based_on_id = source.published_revision_id


def backfill_bases(session: Session) -> int:
    """Give every live translation without a base the source's live revision; returns how many."""
    live = aliased(ArticleRevision)
    rows = session.execute(
        select(Article, live)
        .join(live, live.id == Article.published_revision_id)
        .where(Article.locale != DEFAULT_LOCALE, live.based_on_id.is_(None))
    ).all()
    for _article, revision in rows:
        assume_current_base(session, revision)
    session.flush()
    return sum(1 for _a, r in rows if r.based_on_id is not None)
