"""Markdown files with front matter <-> articles (`portal kb import DIR` / `portal kb export DIR`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from knowledge_base.l10n import backfill_bases
from knowledge_base.models import Article, ArticleStatus, Category
from knowledge_base.render import plain_text, render_markdown
from knowledge_base.search.base import SearchDocument
from knowledge_base.workflow import (
    KEEP,
    Draft,
    create_article,
    find_article,
    publish,
    save_revision,
    submit_for_review,
)

FRONT_KEYS = ("title", "slug", "category", "locale", "tags", "status")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    published: list[Article] = field(default_factory=list)


def parse_front_matter(text: str) -> tuple[dict, str]:
    """Split '---' front matter (simple key: value lines, [lists], "quoted") from the body."""
    if not text.startswith("---"):
        raise FieldError("the file has no front matter (it must start with ---)")
    try:
        _, head, body = text.split("---", 2)
    except ValueError as exc:
        raise FieldError("the front matter is not closed with ---") from exc
    meta: dict = {}
    for line in head.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise FieldError(f"front matter line without a colon: {line[:60]!r}")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            meta[key.strip()] = [v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip()]
        elif value.startswith('"'):
            meta[key.strip()] = json.loads(value)
        else:
            meta[key.strip()] = value.strip("'")
    return meta, body.strip() + "\n"


def render_front_matter(article: Article, body: str, category: Category | None = None) -> str:
    """The import format of an article (`category`: the exported revision's, else the article's)."""
    tags = ", ".join(article.tags or [])
    category = _category_path(category or article.category)
    return (
        f"---\ntitle: {json.dumps(article.title, ensure_ascii=False)}\nslug: {article.slug}\n"
        f"category: {category}\nlocale: {article.locale}\ntags: [{tags}]\nstatus: {article.status.value}\n"
        f"---\n\n{body.strip()}\n"
    )


def _category_path(category: Category | None) -> str:
    if category is None:
        return ""
    return f"{category.parent.slug}/{category.slug}" if category.parent else category.slug


def category_for(session: Session, path: str) -> Category | None:
    """The category for 'parent/child' or 'slug', created when missing."""
    parts = [p for p in path.strip().split("/") if p][:2]
    parent = None
    for part in parts:
        slug = part.lower()
        category = session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            category = Category(slug=slug, name=part.replace("-", " ").capitalize(), parent=parent)
            session.add(category)
            session.flush()
        parent = category
    return parent


def import_file(session: Session, path: Path, report: ImportReport, author_id: int | None) -> None:
    """Create or update one article from a file; idempotent by slug and locale."""
    meta, body = parse_front_matter(path.read_text("utf-8"))
    missing = [k for k in ("title", "slug", "locale") if not meta.get(k)]
    if missing:
        raise FieldError(f"missing front matter: {', '.join(missing)}")
    draft = Draft(meta["title"], body, meta.get("tags", []), f"Imported from {path.name}")
    status = meta.get("status", "published")
    if status not in {s.value for s in ArticleStatus}:
        raise FieldError(f"unknown status {status!r}")
    key = f"{meta['locale']}:{meta['slug']}"
    article = find_article(session, meta["slug"], meta["locale"])
    if article is None:
        category = category_for(session, meta.get("category", ""))
        article = create_article(
            session,
            slug=meta["slug"],
            locale=meta["locale"],
            category=category,
            draft=draft,
            author_id=author_id,
            translation_key=meta.get("translation_key") or _translation_key(meta),
        )
        revision = article.revisions[-1]
        report.created.append(key)
    else:
        latest = article.latest_revision
        same_category = not meta.get("category") or (
            latest is not None and _category_path(latest.category) == meta["category"].strip().lower()
        )
        if (
            latest
            and same_category
            and (latest.title, latest.body_md.strip(), latest.tags)
            == (draft.title, body.strip(), list(meta.get("tags", [])))
        ):
            report.unchanged.append(key)
            return
        category = category_for(session, meta["category"]) if meta.get("category") else KEEP
        revision = save_revision(session, article, draft, author_id, category=category)
        report.updated.append(key)
    if status == "published":
        submit_for_review(session, revision)  # publishing needs the in-review state, even for imports
        report.published.append(publish(session, revision, author_id, "Imported"))
    elif status == "archived":
        article.status = ArticleStatus.ARCHIVED


def _translation_key(meta: dict) -> str:
    slug, locale = meta["slug"], meta["locale"]
    return slug[len(locale) + 1 :] if slug.startswith(f"{locale}-") else slug


def search_documents(paths: Iterable[Path]) -> list[SearchDocument]:
    """Article files in the import format as the search index sees them, numbered from 1 (for
    benchmarks and tests that index a folder without a database)."""
    documents = []
    for number, path in enumerate(paths, start=1):
        meta, body = parse_front_matter(path.read_text("utf-8"))
        documents.append(
            SearchDocument(
                number,
                meta["slug"],
                meta["locale"],
                meta["title"],
                plain_text(render_markdown(body)),
                tuple(meta.get("tags", [])),
                meta.get("category", "").split("/")[-1],
            )
        )
    return documents


def markdown_files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.md") if p.is_file())


def import_folder(
    session: Session, folder: Path, author_id: int | None = None, progress=None
) -> ImportReport:
    """Import every .md file; each file is its own savepoint, so a bad file rejects only itself."""
    report = ImportReport()
    for path in markdown_files(folder):
        try:
            with session.begin_nested():
                import_file(session, path, report, author_id)
        except (FieldError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.rejected.append((path.name, str(exc)))
        if progress is not None:
            progress(path)
    backfill_bases(session)  # translations imported before their source (cs/ sorts before en/)
    return report


def export_folder(session: Session, folder: Path) -> int:
    """Write every article (its latest revision) as <locale>/<slug>.md; returns the count."""
    count = 0
    for article in session.scalars(select(Article).order_by(Article.locale, Article.slug)):
        revision = article.published_revision or article.latest_revision
        if revision is None:
            continue
        target = folder / article.locale / f"{article.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_front_matter(article, revision.body_md, revision.category), "utf-8")
        count += 1
    return count
