"""Article curation: drafts, revisions, review with a diff, publishing, archiving."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from knowledge_base import workflow
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, Category, RevisionState
from portal import access, audit, jobs
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.kb import reading, search_service
from portal.kb.forms import ArticleForm, ReviewForm

bp = Blueprint("staff_kb", __name__, url_prefix="/staff/kb")
bp.before_request(access.gate(access.Action.CURATE_KB))


def may_review() -> bool:
    """Admins, and agents with the kb_editor right, review and publish."""
    return access.allows(current_user, access.Action.REVIEW_KB)


def _article_or_404(slug: str) -> Article:
    found = workflow.find_article(get_session(), slug, request.args.get("locale", "en"))
    if found is None:
        abort(404)
    return found


@bp.route("")
def index():
    db = get_session()
    status, locale = request.args.get("status", ""), request.args.get("locale", "")
    query = select(Article).order_by(Article.updated_at.desc())
    if status in {s.value for s in ArticleStatus}:
        query = query.where(Article.status == ArticleStatus(status))
    if locale:
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
    form.category.choices = [("", _("— none —"))] + [(c.slug, c.name) for c in categories]


def _draft(form: ArticleForm) -> workflow.Draft:
    return workflow.Draft(
        form.title.data or "",
        form.body.data or "",
        workflow.clean_tags(form.tags.data or ""),
        form.comment.data or "",
    )


def _after_save(revision: ArticleRevision) -> None:
    if request.form.get("action") == "submit":
        workflow.submit_for_review(get_session(), revision)


@bp.route("/new", methods=["GET", "POST"])
def new():
    db = get_session()
    form = ArticleForm()
    _category_choices(form)
    if form.validate_on_submit():
        category = (
            db.scalar(select(Category).where(Category.slug == form.category.data))
            if form.category.data
            else None
        )
        translation_of = (form.translation_of.data or "").strip()
        try:
            article = workflow.create_article(
                db,
                slug=form.slug.data or "",
                locale=form.locale.data or "en",
                category=category,
                draft=_draft(form),
                author_id=current_user.id,
                translation_key=_translation_key(translation_of),
            )
            _after_save(article.revisions[-1])
        except workflow.ArticleError as exc:
            _show_error(form, exc)
        else:
            return _saved(article, _("Draft saved."))
    return render_template("staff_kb/edit.html", form=form, article=None)


def _show_error(form: ArticleForm, exc: workflow.ArticleError) -> None:
    """Undo the half-done save and show the rule that was broken on its field."""
    get_session().rollback()
    getattr(form, exc.field if exc.field in form else "title").errors.append(_(exc.message))


def _saved(article: Article, message: str):
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("staff_kb.revisions", slug=article.slug, locale=article.locale))


def _translation_key(slug: str) -> str | None:
    if not slug:
        return None
    original = workflow.find_article(get_session(), slug, "en")
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
        form.category.data = article.category.slug if article.category else ""
    if form.validate_on_submit():
        try:
            revision = workflow.save_revision(db, article, _draft(form), current_user.id)
            if form.category.data != (article.category.slug if article.category else ""):
                article.category = db.scalar(select(Category).where(Category.slug == form.category.data))
            _after_save(revision)
        except workflow.ArticleError as exc:
            _show_error(form, exc)
        else:
            return _saved(article, _("Saved as a new revision."))
    return render_template("staff_kb/edit.html", form=form, article=article)


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
    revision = db.get(ArticleRevision, revision_id)
    if revision is None or revision.article_id != article.id or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        if action == "submit":
            workflow.submit_for_review(db, revision)
        elif action == "restore":
            workflow.restore(db, article, revision, current_user.id)
        else:
            abort(404)
    except workflow.ArticleError as exc:
        db.rollback()
        flash(_(exc.message), "error")
    else:
        db.commit()
        flash(_("Done."), "success")
    return redirect(url_for("staff_kb.revisions", slug=slug, locale=article.locale))


@bp.route("/<path:slug>/review/<int:revision_id>", methods=["GET", "POST"])
def review(slug: str, revision_id: int):
    db = get_session()
    article = _article_or_404(slug)
    revision = db.get(ArticleRevision, revision_id)
    if revision is None or revision.article_id != article.id:
        abort(404)
    form = ReviewForm()
    if request.method == "POST":
        if not may_review():
            abort(403)
        if form.validate_on_submit():
            try:
                if request.form.get("decision") == "approve":
                    workflow.publish(db, revision, current_user.id, form.review_comment.data or "")
                    audit.record(
                        db,
                        "article.published",
                        actor=current_user,
                        target=f"{article.locale}:{slug}",
                        revision=revision.id,
                    )
                else:
                    workflow.send_back(db, revision, current_user.id, form.review_comment.data or "")
            except workflow.ArticleError as exc:
                db.rollback()
                form.review_comment.errors.append(_(exc.message))
            else:
                db.commit()
                search_service.sync([article])
                if article.published_revision_id == revision.id:
                    jobs.request_scan(article.id)  # off the request path when Redis is configured
                flash(
                    _("Published.") if article.published_revision_id == revision.id else _("Sent back."),
                    "success",
                )
                return redirect(url_for("staff_kb.revisions", slug=slug, locale=article.locale))
    old = article.published_revision.body_md if article.published_revision else ""
    return render_template(
        "staff_kb/review.html",
        article=article,
        revision=revision,
        form=form,
        diff=workflow.diff_lines(old, revision.body_md),
        may_review=may_review(),
    )


@bp.route("/<path:slug>/archive", methods=["POST"])
def archive(slug: str):
    db = get_session()
    article = _article_or_404(slug)
    if not may_review():
        abort(403)
    if EmptyForm().validate_on_submit():
        workflow.archive(db, article)
        audit.record(db, "article.archived", actor=current_user, target=f"{article.locale}:{slug}")
        db.commit()
        search_service.sync([article])
        flash(_("Archived."), "success")
    return redirect(url_for("staff_kb.revisions", slug=slug, locale=article.locale))
