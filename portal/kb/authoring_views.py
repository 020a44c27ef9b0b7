"""Authoring extras for KB staff: live preview, the localisation dashboard, reader feedback, request -> draft.

Thin views: the rules live in `knowledge_base.l10n`, `portal.kb.feedback_review` and `portal.kb.drafts`;
who may do what is asked of `portal.access` (the blueprint is gated to article curators).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from knowledge_base import l10n as l10n_rules
from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.models import Article, ArticleFeedback
from portal import access
from portal.access import Action
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.kb import drafts, editor, feedback_review
from portal.kb.forms import PreviewForm

bp = Blueprint("kb_authoring", __name__, url_prefix="/staff/kb")
bp.before_request(access.gate(Action.CURATE_KB))


@bp.app_template_global()
def kb_outdated_original(article: Article) -> Article | None:
    """For the article page: the current original when this translation is outdated."""
    return l10n_rules.outdated_original(get_session(), article)


@bp.app_template_global()
def kb_may_draft_from(req) -> bool:
    """For the staff request page: show "turn into an article draft"."""
    return drafts.is_draftable(req) and access.allows(current_user, Action.CURATE_KB)


@bp.route("/preview", methods=["POST"])
def preview():
    """The editor's preview as an HTML fragment (CSRF-checked; rendered like a published article)."""
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return editor.preview_html(form.body.data or ""), 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/l10n")
def l10n():
    """Per language: missing and outdated translations, with links to translate or update."""
    return render_template("staff_kb/l10n.html", reports=l10n_rules.dashboard(get_session()))


@bp.route("/l10n/translate")
def translate():
    """Open the editor for the `locale` translation of the English article `slug`."""
    slug, locale = request.args.get("slug", "")[:120], request.args.get("locale", "")
    if locale not in LOCALES or locale == DEFAULT_LOCALE:
        abort(404)
    db = get_session()
    original = access.check(workflow.find_article(db, slug, DEFAULT_LOCALE), Action.EDIT)
    existing = db.query(Article).filter_by(translation_key=original.translation_key, locale=locale).first()
    if existing is not None:
        return redirect(url_for("staff_kb.edit", slug=existing.slug, locale=locale))
    return redirect(url_for("staff_kb.new", translation_of=original.slug, locale=locale))


@bp.route("/feedback")
def needs_update():
    """Articles with recent unhandled negative feedback, strongest signal first."""
    return render_template("staff_kb/needs_update.html", signals=feedback_review.needs_update(get_session()))


@bp.route("/feedback/<int:article_id>")
def comments(article_id: int):
    """The readers' comments on one article."""
    article = access.load(Article, article_id, Action.EDIT)
    return render_template(
        "staff_kb/comments.html",
        article=article,
        comments=feedback_review.comments_for(get_session(), article),
        form=EmptyForm(),
        may_handle=access.allows(current_user, Action.REVIEW_KB),
    )


@bp.route("/feedback/<int:article_id>/<int:feedback_id>/handled", methods=["POST"])
@access.requires(Action.REVIEW_KB)
def handled(article_id: int, feedback_id: int):
    """Mark one comment handled (editors only; audit-logged)."""
    db = get_session()
    feedback = access.load_staff_object(ArticleFeedback, feedback_id)
    if feedback.article_id != article_id or not EmptyForm().validate_on_submit():
        abort(404 if feedback.article_id != article_id else 400)
    feedback_review.mark_handled(db, feedback, current_user)
    db.commit()
    flash(_("Marked as handled."), "success")
    return redirect(url_for("kb_authoring.comments", article_id=article_id))


@bp.route("/from-request/<ref>", methods=["POST"])
def from_request(ref: str):
    """Turn a resolved or closed request into an article draft and open the editor."""
    db = get_session()
    req = access.request_by_reference(ref, Action.HANDLE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    existing = drafts.article_from_request(db, req)
    if existing is not None:  # a second click opens the first draft instead of making another
        flash(_("An article was already drafted from this request: here it is."), "info")
        return redirect(url_for("staff_kb.edit", slug=existing.slug, locale=existing.locale))
    try:
        article = drafts.draft_from_request(db, req, current_user)
    except FieldError as exc:
        db.rollback()
        flash(_(str(exc.message)), "error")
        return redirect(url_for("staff_requests.detail", ref=req.reference))
    db.commit()
    flash(_("Article draft created from the request: check it before sending it for review."), "success")
    return redirect(url_for("staff_kb.edit", slug=article.slug, locale=article.locale))
