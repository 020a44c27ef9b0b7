"""The article editor's extras: significance and translation base of a save, the preview, the source diff."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge_base.locales import DEFAULT_LOCALE
from knowledge_base.models import Article, Significance
from knowledge_base.render import render_markdown
from knowledge_base.workflow import MAX_BODY_BYTES
from portal.kb import l10n
from portal.kb.forms import ArticleForm


def _int_or_none(raw: object) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def significance(form: ArticleForm, locale: str) -> Significance:
    """The editor's choice for a source-language save; translations are always minor."""
    if locale != DEFAULT_LOCALE:
        return Significance.MINOR
    return Significance.MAJOR if form.significance.data == Significance.MAJOR.value else Significance.MINOR


def based_on(session: Session, form: ArticleForm, translation_key: str | None, locale: str) -> int | None:
    """The source revision this save of a translation is based on (None for source articles)."""
    if not translation_key:
        return None
    return l10n.base_for(session, translation_key, locale, _int_or_none(form.based_on.data))


def preview_html(markdown: str) -> str:
    """The Markdown as readers will see it: the publishing renderer and sanitizer (empty when too large)."""
    if len(markdown.encode("utf-8")) > MAX_BODY_BYTES:
        return ""
    return render_markdown(markdown)


def wants_preview(action: str | None) -> bool:
    """The form was sent with the "Preview" button (no save)."""
    return action == "preview"


def source_context(
    session: Session, form: ArticleForm, article: Article | None, translation_key: str | None, locale: str
) -> l10n.SourceView | None:
    """The original a translator works from, and its changes since the base they were shown.

    On first display the hidden `based_on` is set to the source's live revision: saving records it.
    """
    if not translation_key or locale == DEFAULT_LOCALE:
        return None
    latest = article.latest_revision if article is not None else None
    shown_base = latest.based_on_id if latest is not None else None
    view = l10n.source_view(session, translation_key, locale, shown_base)
    if view is not None and not form.based_on.data:
        form.based_on.data = str(view.live.id)
    return view
