"""Article curation: drafts, revisions, review with a diff, publishing, archiving.

Thin views: who may do what is asked of `portal.access`, the rules live in
`knowledge_base.workflow`, and a broken rule (FieldError) is shown on its form field.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, Category, RevisionState
from knowledge_base.rendered_diff import side_by_side
from portal import access, audit, labels
from portal.access import Action
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.kb import editor, reading, search_service, view_counts
from portal.kb import review as kb_review
from portal.kb.forms import ArticleForm, ReviewForm

bp = Blueprint("staff_kb", __name__, url_prefix="/staff/kb")
bp.before_request(access.gate(Action.CURATE_KB))


def may_review() -> bool:
    """Admins, and agents with the kb_editor right, review and publish."""
    return access.allows(current_user, Action.REVIEW_KB)


def _article_or_404(slug: str) -> Article:
    """The article named by the URL's slug and `?locale=` (404 when missing)."""
    locale = request.args.get("locale", DEFAULT_LOCALE)
    found = workflow.find_article(get_session(), slug[:120], locale) if locale in LOCALES else None
    return access.check(found, Action.EDIT)


def _revision_of(article: Article, revision_id: int) -> ArticleRevision:
    """A revision of `article` (404 for another article's revision)."""
    revision = access.load_staff_object(ArticleRevision, revision_id)
    if revision.article_id != article.id:
        abort(404)
    return revision


@bp.route("")
def index():
    view_counts.flush()  # the list shows the counters: this worker's unwritten views first
    db = get_session()
    status, locale = request.args.get("status", ""), request.args.get("locale", "")
    query = select(Article).order_by(Article.updated_at.desc())
    if status in {s.value for s in ArticleStatus}:
        query = query.where(Article.status == ArticleStatus(status))
    if locale in LOCALES:
        query = query.where(Article.locale == locale)
    in_review = db.scalar(
        select(func.count())
        .select_from(ArticleRevision)
        .where(ArticleRevision.state == RevisionState.IN_REVIEW)
    )
    return render_template(
        "staff_kb/index.html",
        articles=db.scalars(query.limit(500)).all(),
        status=status,
        locale=locale,
        in_review=in_review,
        deflection=reading.deflection_by_week(db),
    )


def _category_choices(form: ArticleForm) -> None:
    categories = get_session().scalars(select(Category).order_by(Category.name)).all()
    form.category.choices = [("", _("— none —"))] + [(c.slug, labels.localized(c)) for c in categories]


def _chosen_category(form: ArticleForm) -> Category | None:
    """The category picked in the form (None for "none" or an unknown slug)."""
    slug = (form.category.data or "")[:80]
    return get_session().scalar(select(Category).where(Category.slug == slug)) if slug else None


def _draft(form: ArticleForm, translation_key: str | None, locale: str) -> workflow.Draft:
    return workflow.Draft(
        form.title.data or "",
        form.body.data or "",
        workflow.clean_tags(form.tags.data or ""),
        form.comment.data or "",
        significance=editor.significance(form, locale),
        based_on_id=editor.based_on(get_session(), form, translation_key, locale),
    )


def _edit_page(form: ArticleForm, article: Article | None, translation_key: str | None, locale: str):
    """The editor, with the rendered preview when asked for and the original for translators."""
    preview = (
        editor.preview_html(form.body.data or "")
        if editor.wants_preview(request.form.get("action"))
        else None
    )
    source = editor.source_context(get_session(), form, article, translation_key, locale)
    return render_template("staff_kb/edit.html", form=form, article=article, preview=preview, source=source)


def _after_save(revision: ArticleRevision) -> None:
    if request.form.get("action") == "submit":
        workflow.submit_for_review(get_session(), revision)


@bp.route("/new", methods=["GET", "POST"])
def new():
    db = get_session()
    form = ArticleForm()
    _category_choices(form)
    if request.method == "GET" and request.args.get("title"):  # "write an article" from the dashboard
        form.title.data = request.args.get("title", "")[:200]
        if request.args.get("locale") in LOCALES:
            form.locale.data = request.args["locale"]
    if request.method == "GET" and request.args.get("translation_of"):  # "translate" from the l10n dashboard
        _prefill_translation(form, request.args["translation_of"][:120], request.args.get("locale", ""))
    translation_of = (form.translation_of.data or "").strip()
    key, locale = _translation_key(translation_of), form.locale.data or DEFAULT_LOCALE
    if editor.wants_preview(request.form.get("action")):
        form.validate_on_submit()  # CSRF and field errors; nothing is saved
    elif form.validate_on_submit():
        try:
            article = workflow.create_article(
                db,
                slug=form.slug.data or "",
                locale=locale,
                category=_chosen_category(form),
                draft=_draft(form, key, locale),
                author_id=current_user.id,
                translation_key=key,
            )
            _after_save(article.revisions[-1])
        except FieldError as exc:
            _show_error(form, exc, "title")
        else:
            return _saved(article, _("Draft saved."))
    return _edit_page(form, None, key, locale)


def _prefill_translation(form: ArticleForm, slug: str, locale: str) -> None:
    """A new translation of the English article `slug`: its live text to translate from."""
    original = workflow.find_article(get_session(), slug, DEFAULT_LOCALE)
    if original is None or original.published_revision is None or locale not in LOCALES:
        return
    live = original.published_revision
    form.translation_of.data, form.locale.data, form.slug.data = original.slug, locale, original.slug
    form.title.data, form.body.data = live.title, live.body_md
    form.tags.data = ", ".join(live.tags or [])
    form.category.data = live.category.slug if live.category else ""


def _show_error(form, exc: FieldError, default: str) -> None:
    """Undo the half-done save and show the rule that was broken on its field."""
    get_session().rollback()
    FieldError(_(str(exc.message)), exc.field).attach_to(form, default)


def _saved(article: Article, message: str):
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("staff_kb.revisions", slug=article.slug, locale=article.locale))


def _translation_key(slug: str) -> str | None:
    if not slug:
        return None
    original = workflow.find_article(get_session(), slug[:120], DEFAULT_LOCALE)
    return original.translation_key if original else None


@bp.route("/<path:slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    db = get_session()
    article = _article_or_404(slug)
    form = ArticleForm()
    _category_choices(form)
    if request.method == "GET":
        latest = article.latest_revision
        form.title.data, form.body.data = latest.title, latest.body_md
        form.tags.data = ", ".join(latest.tags or [])
        form.category.data = latest.category.slug if latest.category else ""
    key = article.translation_key
    if editor.wants_preview(request.form.get("action")):
        form.validate_on_submit()  # CSRF and field errors; nothing is saved
    elif form.validate_on_submit():
        try:
            # the category is part of the revision: it goes live only when a reviewer publishes it
            revision = workflow.save_revision(
                db,
                article,
                _draft(form, key, article.locale),
                current_user.id,
                category=_chosen_category(form),
            )
            _after_save(revision)
        except FieldError as exc:
            _show_error(form, exc, "title")
        else:
            return _saved(article, _("Saved as a new revision."))
    return _edit_page(form, article, key, article.locale)


@bp.route("/<path:slug>/revisions")
def revisions(slug: str):
    article = _article_or_404(slug)
    return render_template(
        "staff_kb/revisions.html", article=article, form=EmptyForm(), may_review=may_review()
    )


@bp.route("/<path:slug>/revisions/<int:revision_id>/<action>", methods=["POST"])
def revision_action(slug: str, revision_id: int, action: str):
    db = get_session()
    article = _article_or_404(slug)
    revision = _revision_of(article, revision_id)
    if action not in ("submit", "restore") or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        if action == "submit":
            workflow.submit_for_review(db, revision)
        else:
            workflow.restore(db, article, revision, current_user.id)
    except FieldError as exc:
        db.rollback()
        flash(_(str(exc.message)), "error")
    else:
        db.commit()
        flash(_("Done."), "success")
    return redirect(url_for("staff_kb.revisions", slug=article.slug, locale=article.locale))


def _decide(article: Article, revision: ArticleRevision, form: ReviewForm) -> bool:
    """Approve (publish) or send back; True when done, False with the error on the form."""
    db = get_session()
    comment = form.review_comment.data or ""
    try:
        if request.form.get("decision") == "approve":
            kb_review.approve(db, revision, current_user, comment)  # four-eyes: 403 for the author
        else:
            kb_review.send_back(db, revision, current_user, comment)
    except FieldError as exc:
        _show_error(form, exc, "review_comment")
        return False
    db.commit()
    kb_review.after_commit(article, revision)
    return True


@bp.route("/<path:slug>/review/<int:revision_id>", methods=["GET", "POST"])
def review(slug: str, revision_id: int):
    article = _article_or_404(slug)
    revision = _revision_of(article, revision_id)
    form = ReviewForm()
    if request.method == "POST":
        if not may_review():
            abort(403)
        if form.validate_on_submit() and _decide(article, revision, form):
            published = article.published_revision_id == revision.id
            flash(_("Published.") if published else _("Sent back."), "success")
            return redirect(url_for("staff_kb.revisions", slug=article.slug, locale=article.locale))
    live = article.published_revision
    return render_template(
        "staff_kb/review.html",
        article=article,
        revision=revision,
        form=form,
        diff=workflow.diff_lines(live.body_md if live else "", revision.body_md),
        rendered=side_by_side(live.body_md if live else "", revision.body_md),
        live_title=live.title if live else "",
        live_category=live.category if live else None,
        may_review=may_review(),
        may_approve=access.allows(current_user, Action.REVIEW, revision),
    )


@bp.route("/<path:slug>/archive", methods=["POST"])
@access.requires(Action.REVIEW_KB)
def archive(slug: str):
    db = get_session()
    article = _article_or_404(slug)
    if EmptyForm().validate_on_submit():
        workflow.archive(db, article)
        audit.record(db, "article.archived", actor=current_user, target=f"{article.locale}:{article.slug}")
        db.commit()
        search_service.sync([article])
        flash(_("Archived."), "success")
    return redirect(url_for("staff_kb.revisions", slug=article.slug, locale=article.locale))
