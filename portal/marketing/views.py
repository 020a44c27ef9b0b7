"""Marketing console: offers, the review queue, blocklists, previews and reports."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.locales import LOCALES
from linker.lexicon import lexicon
from portal import access, audit
from portal.auth.forms import EmptyForm
from portal.db import get_session
from portal.marketing import impressions, linking, offers, overrides, reports
from portal.marketing.forms import (
    BlockTermForm,
    ImportForm,
    OfferForm,
    OverrideForm,
    OverrideStatsForm,
    ReportPeriodForm,
)
from portal.marketing.phrase_check import phrase_checks
from portal.marketing.reasons import explain
from portal.marketing.review import review_suggestions
from portal.models import BlockTerm, LinkOverride, LinkSuggestion, Offer, OfferStatus, SuggestionState
from portal.pagination import paginate
from portal.security import is_safe_redirect

bp = Blueprint("marketing", __name__, url_prefix="/marketing")
bp.before_request(access.gate(access.Action.MARKETING))


@bp.route("/offers")
def offer_list():
    db = get_session()
    return render_template(
        "marketing/offers.html",
        offers=db.scalars(select(Offer).order_by(Offer.code)).all(),
        form=EmptyForm(),
        import_form=ImportForm(),
    )


def _form_into(form: OfferForm, offer: Offer) -> None:
    form.code.data, form.title.data, form.url.data = offer.code, offer.title, offer.url
    form.phrases.data = offers.format_language_lines(offer.phrases)
    form.require_context.data = offers.format_language_lines(offer.require_context)
    form.exclude_context.data = offers.format_language_lines(offer.exclude_context)
    form.segments.data, form.product_kind.data = ", ".join(offer.segments or []), offer.product_kind
    form.active_from.data, form.active_until.data = offer.active_from, offer.active_until


@bp.route("/offers/new", methods=["GET", "POST"])
@bp.route("/offers/<int:offer_id>", methods=["GET", "POST"])
def offer_edit(offer_id: int | None = None):
    db = get_session()
    offer = access.load_staff_object(Offer, offer_id) if offer_id is not None else None
    form = OfferForm()
    if request.method == "GET" and offer is not None:
        _form_into(form, offer)
    if form.validate_on_submit():
        try:
            saved = offers.save_offer(
                db,
                offer,
                code=form.code.data or "",
                title=form.title.data or "",
                url=form.url.data or "",
                phrases=offers.parse_language_lines(form.phrases.data, "phrases"),
                require_context=offers.parse_language_lines(form.require_context.data, "require_context"),
                exclude_context=offers.parse_language_lines(form.exclude_context.data, "exclude_context"),
                segments=[s.strip() for s in (form.segments.data or "").split(",") if s.strip()],
                product_kind=form.product_kind.data or "",
                active_from=form.active_from.data,
                active_until=form.active_until.data,
            )
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "code")
        else:
            audit.record(db, "offer.saved", actor=current_user, target=saved.code)
            db.commit()
            flash(_("Offer saved. Run a rescan to find links for it."), "success")
            return redirect(url_for("marketing.offer_list"))
    checks = phrase_checks(form.phrases.data)  # what each phrase will match (linker.phrase_report)
    return render_template("marketing/offer_edit.html", form=form, offer=offer, phrase_checks=checks)


@bp.route("/offers/<int:offer_id>/status/<status>", methods=["POST"])
def offer_status(offer_id: int, status: str):
    db = get_session()
    offer = access.load_staff_object(Offer, offer_id)
    if status not in {s.value for s in OfferStatus} or not EmptyForm().validate_on_submit():
        abort(404)
    offer.status = OfferStatus(status)
    audit.record(db, "offer.status", actor=current_user, target=offer.code, status=status)
    db.commit()
    return redirect(url_for("marketing.offer_list"))


@bp.route("/offers/import", methods=["POST"])
def offer_import():
    db = get_session()
    form = ImportForm()
    if form.validate_on_submit() and form.file.data:
        try:
            created, updated = offers.import_offers(
                db, form.file.data.read().decode("utf-8", errors="replace")
            )
        except FieldError as exc:
            db.rollback()
            flash(str(exc.message), "error")
        else:
            audit.record(
                db, "offer.imported", actor=current_user, target="offers", created=created, updated=updated
            )
            db.commit()
            flash(_("Imported: %(c)d new, %(u)d updated.", c=created, u=updated), "success")
    return redirect(url_for("marketing.offer_list"))


@bp.route("/offers/export")
def offer_export():
    return Response(
        offers.export_offers(get_session()),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=offers.json"},
    )


#: How the review list may be ordered (newest first by default).
SUGGESTION_SORTS = {
    "newest": (LinkSuggestion.created_at.desc(), LinkSuggestion.id.desc()),
    "oldest": (LinkSuggestion.created_at.asc(), LinkSuggestion.id.asc()),
    "offer": (Offer.code.asc(), LinkSuggestion.id.asc()),
    "article": (LinkSuggestion.article_id.asc(), LinkSuggestion.start.asc(), LinkSuggestion.id.asc()),
}
SUGGESTIONS_PER_PAGE = 50
SUGGESTION_FILTERS = ("state", "offer", "locale", "article", "sort")


#: The most suggestions one "all matching" review touches.
REVIEW_ALL_MAX = 1000


def _suggestion_query(args) -> Select:
    """The suggestions matching the review page's filters (`state` defaults to pending)."""
    state = args.get("state", "pending")
    query = select(LinkSuggestion).join(Offer, LinkSuggestion.offer_id == Offer.id)
    if state in {s.value for s in SuggestionState}:
        query = query.where(LinkSuggestion.state == SuggestionState(state))
    if args.get("offer"):
        query = query.where(Offer.code == args["offer"])
    if args.get("locale"):
        query = query.where(LinkSuggestion.locale == args["locale"])
    if args.get("article"):
        from knowledge_base.models import Article

        query = query.join(Article, LinkSuggestion.article_id == Article.id).where(
            Article.slug == args["article"]
        )
    return query


@bp.route("/suggestions")
def suggestions():
    db = get_session()
    state = request.args.get("state", "pending")
    sort = request.args.get("sort", "newest")
    sort = sort if sort in SUGGESTION_SORTS else "newest"
    query = _suggestion_query(request.args)
    number = request.args.get("page", 1, type=int)
    page = paginate(db, query.order_by(*SUGGESTION_SORTS[sort]), number, SUGGESTIONS_PER_PAGE)
    kept = {k: v for k, v in request.args.items() if k in SUGGESTION_FILTERS and v}
    return render_template(
        "marketing/suggestions.html",
        items=page.items,
        page=page,
        state=state,
        sort=sort,
        sorts=SUGGESTION_SORTS,
        form=EmptyForm(),
        all_offers=db.scalars(select(Offer).order_by(Offer.code)).all(),
        args=request.args,
        kept=kept,
        explain=explain,
        hard_block=overrides.hard_block,
    )


def _review(ids: list[int], state: SuggestionState) -> int:
    db = get_session()
    changed = review_suggestions(db, current_user, ids, state)
    db.commit()
    return changed


@bp.route("/suggestions/<int:suggestion_id>/<action>", methods=["POST"])
def review_one(suggestion_id: int, action: str):
    if action not in ("approve", "reject") or not EmptyForm().validate_on_submit():
        abort(404)
    access.load_staff_object(LinkSuggestion, suggestion_id)
    _review([suggestion_id], SuggestionState.APPROVED if action == "approve" else SuggestionState.REJECTED)
    return redirect(request.referrer if _local(request.referrer) else url_for("marketing.suggestions"))


@bp.route("/suggestions/bulk", methods=["POST"])
def review_many():
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [key for key in map(access.valid_id, request.form.getlist("ids")[:1000]) if key is not None]
    if request.form.get("scope") == "matching":  # every page of the filtered list, not only the ticked rows
        query = _suggestion_query(request.form).with_only_columns(LinkSuggestion.id)
        ids = list(get_session().scalars(query.order_by(LinkSuggestion.id).limit(REVIEW_ALL_MAX)))
    action = request.form.get("action")
    if action not in ("approve", "reject"):
        abort(400)
    n = _review(ids, SuggestionState.APPROVED if action == "approve" else SuggestionState.REJECTED)
    flash(_("%(n)d suggestions updated.", n=n), "success")
    return _back_to("/marketing/suggestions", url_for("marketing.suggestions"))


def _back_to(section: str, default: str):
    """Redirect to the form's `next` (the page the form was on, script root included) when it is
    a safe local path inside `section` of this app, else to `default`."""
    back = request.form.get("next", "")
    if is_safe_redirect(back) and back.startswith(request.script_root + section):
        return redirect(back)
    return redirect(default)


def _local(target: str | None) -> bool:
    from urllib.parse import urlsplit

    return bool(target) and urlsplit(target).netloc in ("", request.host)


@bp.route("/suggestions/<int:suggestion_id>/exclude", methods=["POST"])
def add_exclude_word(suggestion_id: int):
    db = get_session()
    suggestion = access.load_staff_object(LinkSuggestion, suggestion_id)
    word = (request.form.get("word") or "").strip()[:60]
    if not EmptyForm().validate_on_submit():
        abort(404)
    if word:
        offer = suggestion.offer
        lists = dict(offer.exclude_context or {})
        lists[suggestion.locale] = [*lists.get(suggestion.locale, []), word]
        offer.exclude_context = lists
        audit.record(db, "offer.exclude_word", actor=current_user, target=offer.code, word=word)
        db.commit()
        flash(_("Added “%(w)s” to the offer's excluded words. Rescan to apply.", w=word), "success")
    return redirect(url_for("marketing.suggestions", state=suggestion.state.value))


@bp.route("/suggestions/<int:suggestion_id>/override", methods=["GET", "POST"])
def override_suggestion(suggestion_id: int):
    """ "Link anyway": approve a blocked suggestion with a written justification."""
    db = get_session()
    suggestion = access.load(LinkSuggestion, suggestion_id, access.Action.REVIEW)
    form, status = OverrideForm(), 200
    refused = overrides.refusal(db, suggestion)
    if form.validate_on_submit():
        try:
            overrides.override(db, current_user, suggestion, form.justification.data or "")
        except FieldError as exc:
            db.rollback()
            exc.attach_to(form, "justification")
            status = 400
        except overrides.OverrideRefused as exc:
            db.rollback()
            refused, status = exc.message, 409  # e.g. approved by another request meanwhile
        else:
            db.commit()
            flash(_("Linked anyway. The override is recorded with your justification."), "success")
            return redirect(url_for("marketing.suggestions", state="blocked"))
    elif request.method == "POST":
        status = 400
    page = render_template(
        "marketing/override.html", suggestion=suggestion, form=form, refused=refused, explain=explain
    )
    return page, status


@bp.route("/overrides/<int:override_id>/revoke", methods=["POST"])
def revoke_override(override_id: int):
    """Revoke an override: its suggestion is blocked again."""
    db = get_session()
    record = access.load(LinkOverride, override_id, access.Action.EDIT)
    if not EmptyForm().validate_on_submit():
        abort(400)
    changed = overrides.revoke(db, current_user, record)
    db.commit()
    flash(_("Override revoked. Suggestions blocked again: %(n)d.", n=changed), "success")
    return _back_to("/marketing/", url_for("marketing.override_stats"))


@bp.route("/overrides")
def override_stats():
    """ "Overrides by reason": blocked, overridden, rate and last override per reason; the items."""
    db = get_session()
    form = OverrideStatsForm(request.args)
    locale = form.locale.data if form.locale.data in LOCALES else ""
    try:
        start, end = reports.parse_period(form.start.data or "", form.end.data or "", date.today())
    except FieldError as exc:
        exc.attach_to(form, "start")
        form_errors, (start, end) = True, reports.parse_period("", "", date.today())
    else:
        form_errors = False
        last_day = (end - timedelta(days=1)).date()
        form.start.data, form.end.data = start.date().isoformat(), last_day.isoformat()
    reason = (request.args.get("reason") or "")[:80]
    items = overrides.overridden_items(db, start, end, locale, reason)
    filters = {"from": form.start.data, "to": form.end.data, "locale": locale}
    filters = {key: value for key, value in filters.items() if value}
    page = render_template(
        "marketing/overrides.html",
        form=form,
        rows=overrides.reason_stats(db, start, end, locale),
        items=items,
        applied=overrides.applied_to(db, [o.id for o in items]),
        reason=reason,
        reason_label=overrides.label(reason) if reason else "",
        filters=filters,
        revoke_form=EmptyForm(),
    )
    return page, 400 if form_errors else 200


@bp.route("/overrides/export.csv")
def override_export():
    """The overrides as training data (CSV); see linker/README.md, "Overrides as training data"."""
    locale = request.args.get("locale", "")
    return Response(
        overrides.export_csv(get_session(), locale=locale if locale in LOCALES else ""),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=link-overrides.csv"},
    )


@bp.route("/rescan", methods=["POST"])
def rescan():
    db = get_session()
    if not EmptyForm().validate_on_submit():
        abort(400)
    stored = linking.rescan(db)
    db.commit()
    flash(_("Rescanned: %(n)d suggestions.", n=stored), "success")
    return redirect(url_for("marketing.suggestions"))


@bp.route("/blocklist", methods=["GET", "POST"])
def blocklist():
    db = get_session()
    form = BlockTermForm()
    if form.validate_on_submit():
        term = (form.term.data or "").strip().lower()
        if not term:
            form.term.errors.append(_("Enter a word or phrase."))
        elif db.scalar(select(BlockTerm).where(BlockTerm.locale == form.locale.data, BlockTerm.term == term)):
            form.term.errors.append(_("This term is already on the list."))
        else:
            db.add(
                BlockTerm(
                    locale=form.locale.data,
                    term=term,
                    category=form.category.data,
                    reason=(form.reason.data or "").strip(),
                )
            )
            audit.record(db, "blocklist.added", actor=current_user, target=term, locale=form.locale.data)
            db.commit()
            flash(_("Added. Rescan to apply it to published articles."), "success")
            return redirect(url_for("marketing.blocklist"))
    built_in = {lang: lexicon(lang) for lang in LOCALES}
    return render_template(
        "marketing/blocklist.html",
        form=form,
        import_form=ImportForm(),
        delete_form=EmptyForm(),
        terms=db.scalars(select(BlockTerm).order_by(BlockTerm.locale, BlockTerm.term)).all(),
        built_in=built_in,
    )


@bp.route("/blocklist/import", methods=["POST"])
def blocklist_import():
    db = get_session()
    form = ImportForm()
    locale = request.form.get("locale", "en")
    if form.validate_on_submit() and form.file.data and locale in LOCALES:
        text = form.file.data.read().decode("utf-8", errors="replace")
        existing = set(db.scalars(select(BlockTerm.term).where(BlockTerm.locale == locale)))
        added = 0
        for line in text.splitlines():
            term = line.strip().lower()[:120]
            if term and not term.startswith("#") and term not in existing:
                db.add(BlockTerm(locale=locale, term=term, category="imported", reason="imported list"))
                existing.add(term)
                added += 1
        audit.record(db, "blocklist.imported", actor=current_user, target=locale, added=added)
        db.commit()
        flash(_("%(n)d terms added.", n=added), "success")
    return redirect(url_for("marketing.blocklist"))


@bp.route("/blocklist/<int:term_id>/delete", methods=["POST"])
def blocklist_delete(term_id: int):
    db = get_session()
    term = access.load_staff_object(BlockTerm, term_id)
    if not EmptyForm().validate_on_submit():
        abort(404)
    db.delete(term)
    audit.record(db, "blocklist.removed", actor=current_user, target=term.term)
    db.commit()
    return redirect(url_for("marketing.blocklist"))


@bp.route("/preview/<path:slug>")
def preview(slug: str):
    db = get_session()
    article = workflow.find_article(db, slug, request.args.get("locale", "en"))
    if article is None or article.published_revision_id is None:
        abort(404)
    shown = db.scalars(
        select(LinkSuggestion)
        .where(
            LinkSuggestion.revision_id == article.published_revision_id,
            LinkSuggestion.state.in_([SuggestionState.PENDING, SuggestionState.APPROVED]),
        )
        .order_by(LinkSuggestion.start)
    ).all()
    unique, seen = [], set()
    for s in shown:
        if s.offer_id not in seen and not any(u.start < s.end and s.start < u.end for u in unique):
            unique.append(s)
            seen.add(s.offer_id)
    return render_template(
        "marketing/preview.html",
        article=article,
        article_html=linking.render_with_links(article, unique, preview=True),
    )


@bp.route("/reports")
def report():
    db = get_session()
    form = ReportPeriodForm(request.args)
    try:
        start, end = reports.parse_period(form.start.data or "", form.end.data or "", date.today())
    except FieldError as exc:
        if request.args.get("format") == "csv":
            return Response(str(exc.message), status=400, mimetype="text/plain")
        exc.attach_to(form, "start")
        form_errors, (start, end) = True, reports.parse_period("", "", date.today())
    else:
        form_errors = False
    impressions.flush()  # this worker's unwritten impressions count too
    by_offer, by_article = reports.by_offer(db, start, end), reports.by_article(db, start, end)
    if request.args.get("format") == "csv":
        return Response(
            reports.csv_export(by_offer, by_article),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=link-report.csv"},
        )
    chart_rows = [{"name": r.name, "impressions": r.impressions, "clicks": r.clicks} for r in by_offer[:20]]
    last_day = (end - timedelta(days=1)).date()
    if not form_errors:
        form.start.data, form.end.data = start.date().isoformat(), last_day.isoformat()
    page = render_template(
        "marketing/reports.html",
        form=form,
        chart_rows=chart_rows,
        by_offer=by_offer,
        by_article=by_article,
        start=start.date(),
        end=last_day,
    )
    return page, 400 if form_errors else 200
