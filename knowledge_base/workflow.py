"""Article curation: revisions, review, publishing, archiving, restore, diff.

Plain functions on a SQLAlchemy session; they never commit and never touch the search index
(the caller updates it after the commit, and `portal kb reindex` repairs any gap).
"""

from __future__ import annotations

import difflib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from knowledge_base.l10n import assume_current_base
from knowledge_base.locales import LOCALES
from knowledge_base.models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    Category,
    RevisionState,
    Significance,
)
from knowledge_base.render import render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TITLE = 200
#: The largest article body, in UTF-8 bytes (the editor's limit; the review diff is sized for it).
MAX_BODY_BYTES = 200 * 1024
MAX_TAGS = 20
#: The review diff's budget, in line comparisons (changed old lines x changed new lines).
#: difflib's matcher is quadratic in the worst case; within this budget it answers in a few
#: hundred milliseconds at most, beyond it the review page says "too large to compare".
MAX_DIFF_WORK = 400_000


def N_(message: str) -> str:
    """Mark a message for translation; the portal translates it when it shows it."""
    return message


@dataclass
class Draft:
    """The editable content of an article.

    `significance` matters for source-language revisions (a published major one outdates the
    translations); `based_on_id` for translations (the source revision they translate).
    """

    title: str
    body_md: str
    tags: list[str]
    comment: str = ""
    significance: Significance = Significance.MINOR
    based_on_id: int | None = None


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
        raise FieldError(N_("Give the article a title."), "title")
    if len(title) > MAX_TITLE:
        raise FieldError(N_("Keep the title under 200 characters."), "title")
    if not body:
        raise FieldError(N_("Write the article text."), "body")
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise FieldError(N_("The article text is too long: keep it under 200 KB."), "body")
    return Draft(
        title,
        body,
        clean_tags(draft.tags),
        draft.comment.strip()[:500],
        draft.significance,
        draft.based_on_id,
    )


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
        raise FieldError(N_("Use lower-case letters, digits and hyphens for the slug."), "slug")
    if locale not in LOCALES:
        raise FieldError(N_("Choose a language."), "locale")
    if find_article(session, slug, locale) is not None:
        raise FieldError(N_("An article with this slug and language already exists."), "slug")
    article = Article(
        slug=slug,
        locale=locale,
        translation_key=_group_key(session, slug, locale, translation_key),
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
            category=category,
            significance=draft.significance,
            based_on_id=draft.based_on_id,
        )
    )
    session.flush()
    return article


def _group_key(session: Session, slug: str, locale: str, translation_key: str | None) -> str:
    """The language group of a new article: the chosen one (which must lack `locale`), else a new one."""
    if not translation_key:
        return fresh_translation_key(session, slug)
    taken = select(Article.id).where(Article.translation_key == translation_key, Article.locale == locale)
    if session.scalar(taken.limit(1)) is not None:
        raise FieldError(
            N_("This article already has a version in this language: edit that one instead."),
            "translation_of",
        )
    return translation_key


def fresh_translation_key(session: Session, slug: str) -> str:
    """A translation key no article uses yet: the slug itself when free, else the slug and a random tail.

    An article written without choosing a translation starts its own group: it never joins the
    group of another language's article that happens to have the same slug.
    """
    key = slug[:120]
    while session.scalar(select(Article.id).where(Article.translation_key == key).limit(1)) is not None:
        key = f"{slug[:107]}-{secrets.token_hex(6)}"
    return key


#: `save_revision(..., category=KEEP)`: the new revision keeps the category of the latest one.
KEEP = object()


def save_revision(
    session: Session,
    article: Article,
    draft: Draft,
    author_id: int | None,
    *,
    category: Category | None | object = KEEP,
) -> ArticleRevision:
    """Every save is a new revision (a draft); the published one stays live.

    The category belongs to the revision: the article's category changes only when a reviewer
    publishes the revision (`publish`), never at save time.
    """
    draft = _check(draft)
    if category is KEEP:
        category = article.latest_revision.category if article.latest_revision else article.category
    revision = ArticleRevision(
        title=draft.title,
        body_md=draft.body_md,
        tags=draft.tags,
        author_id=author_id,
        comment=draft.comment,
        category=category,
        significance=draft.significance,
        based_on_id=draft.based_on_id,
    )
    article.revisions.append(revision)
    if article.status == ArticleStatus.ARCHIVED:
        article.status = ArticleStatus.DRAFT
    session.flush()
    return revision


def submit_for_review(session: Session, revision: ArticleRevision) -> None:
    """Ask a reviewer to look at a draft revision."""
    if revision.state not in (RevisionState.DRAFT, RevisionState.SENT_BACK):
        raise FieldError(N_("Only a draft can be sent for review."))
    revision.state = RevisionState.IN_REVIEW
    if revision.article.status in (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED):
        revision.article.status = ArticleStatus.IN_REVIEW


def check_may_approve(revision: ArticleRevision, reviewer_id: int | None, *, four_eyes: bool) -> None:
    """Raise FieldError unless `reviewer_id` may approve `revision` now.

    Only a revision in review can be published (a never-submitted draft cannot), and under the
    four-eyes rule (PORTAL_KB_FOUR_EYES) nobody approves a revision they wrote themselves.
    """
    if revision.state != RevisionState.IN_REVIEW:
        raise FieldError(N_("Only a revision in review can be published."), "review_comment")
    if four_eyes and reviewer_id is not None and revision.author_id == reviewer_id:
        raise FieldError(N_("Another reviewer must approve a revision you wrote."), "review_comment")


def publish(
    session: Session,
    revision: ArticleRevision,
    reviewer_id: int | None,
    comment: str = "",
    *,
    four_eyes: bool = False,
) -> Article:
    """Approve a revision in review: its text, title, tags and category go live together."""
    check_may_approve(revision, reviewer_id, four_eyes=four_eyes)
    article = revision.article
    previous = article.published_revision
    if previous is not None and previous.id != revision.id:
        previous.state = RevisionState.SUPERSEDED
    revision.state = RevisionState.PUBLISHED
    assume_current_base(session, revision)
    revision.reviewer_id, revision.reviewed_at, revision.review_comment = (
        reviewer_id,
        utcnow(),
        comment.strip(),
    )
    article.published_revision = revision
    article.title, article.tags = revision.title, list(revision.tags or [])
    article.category = revision.category
    article.body_html = render_markdown(revision.body_md)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = utcnow()
    session.flush()
    return article


def send_back(session: Session, revision: ArticleRevision, reviewer_id: int | None, comment: str) -> None:
    """Return a revision to its author with a comment; the live text does not change."""
    if revision.state != RevisionState.IN_REVIEW:
        raise FieldError(N_("Only a revision in review can be sent back."))
    if not comment.strip():
        raise FieldError(N_("Tell the author what to change."), "review_comment")
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
            revision.title,
            revision.body_md,
            list(revision.tags or []),
            f"Restored revision {revision.id}",
            based_on_id=revision.based_on_id,
        ),
        author_id,
        category=revision.category,
    )


@dataclass(frozen=True)
class LineDiff:
    """A line diff for the review page.

    `lines` holds (kind, text) with kind in ' ', '+', '-'. `too_large` is True when comparing the
    changed stretch would exceed MAX_DIFF_WORK line comparisons; `lines` is then empty. `work`
    is that comparison count (changed old lines x changed new lines).
    """

    lines: list[tuple[str, str]]
    too_large: bool = False
    work: int = 0


def diff_lines(old: str, new: str, *, budget: int = MAX_DIFF_WORK) -> LineDiff:
    """Compare two texts line by line, with bounded work.

    Common leading and trailing lines are matched first (linear). The changed stretch in between
    goes to difflib.SequenceMatcher on whole lines (autojunk on, no intraline "fancy replace",
    which is what makes ndiff quadratic in characters) only if its size fits `budget`.
    """
    a, b = old.splitlines(), new.splitlines()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    work = len(mid_a) * len(mid_b)
    if work > budget:
        return LineDiff([], too_large=True, work=work)
    out = [(" ", line) for line in a[:head]]
    matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=True)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend((" ", line) for line in mid_a[i1:i2])
            continue
        out.extend(("-", line) for line in mid_a[i1:i2])
        out.extend(("+", line) for line in mid_b[j1:j2])
    out.extend((" ", line) for line in a[len(a) - tail :])
    return LineDiff(out, work=work)
