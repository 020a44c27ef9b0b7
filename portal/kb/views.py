"""Knowledge base for readers: browse, search, read, vote, suggestions for the request form."""

from __future__ import annotations

import html
import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import HiddenField, TextAreaField

from knowledge_base.models import Article, Category, DeflectionEvent
from portal import chrome, page_memo
from portal.auth.forms import EmptyForm
from portal.cache import cache, generation
from portal.cache_events import KB
from portal.db import get_session
from portal.extensions import csrf, limiter
from portal.kb import addresses, fragments, read_marks, reading, search_page, search_service, view_counts
from portal.marketing import events, impressions, linking
from portal.models import Role

bp = Blueprint("kb", __name__, url_prefix="/kb")
MAX_QUERY = 200
TAG = re.compile(r"<[^>]+>")


class FeedbackForm(EmptyForm):
    helpful = HiddenField()
    comment = TextAreaField()


def _locale() -> str:
    """The reader's interface language."""
    return str(get_locale() or "en")


@bp.url_value_preprocessor
def _known_locale(endpoint: str | None, values: dict | None) -> None:
    """A content language in the path must be one of the app's locales (else 404)."""
    if values and "locale" in values and values["locale"] not in addresses.supported_locales():
        abort(404)


@bp.url_defaults
def _reader_locale(endpoint: str, values: dict) -> None:
    """Links that name no content language (navigation, search box) go to the reader's."""
    if "locale" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "locale"):
        values["locale"] = _locale()


@bp.route("/<locale>/")
def index(locale: str):
    def render(with_slots: bool = True) -> str:
        context = {
            "parts": fragments.kb_index_parts(get_session(), locale, _locale()),
            "content_locale": locale,
            "alternates": addresses.page_alternates("kb.index"),
        }
        if not with_slots:
            return render_template("kb/index.html", **context)
        return chrome.render_with_slots("kb/index.html", **context)

    if session.get("_flashes"):  # shown once: never memoised
        return render(with_slots=False)
    key = f"shopkeeper:kb:index-page:{locale}:{_locale()}:{generation(KB)}"
    return _memoised_page(key, render)


@bp.route("/<locale>/c/<path:slug>")
def category(locale: str, slug: str):
    db = get_session()
    found = db.scalar(select(Category).where(Category.slug == slug[:80]))
    if found is None:
        abort(404)
    ids = [found.id] + list(db.scalars(select(Category.id).where(Category.parent_id == found.id)))
    articles = db.scalars(
        reading.articles_for_locale(db, locale).where(Article.category_id.in_(ids)).order_by(Article.title)
    ).all()
    return render_template(
        "kb/category.html",
        category=found,
        articles=articles,
        content_locale=locale,
        alternates=addresses.page_alternates("kb.category", slug=found.slug),
    )


@bp.route("/<locale>/a/<path:slug>")
def article(locale: str, slug: str):
    db = get_session()
    reader_locale = _locale()
    found = addresses.cached_published_article(db, slug[:120], locale)
    if found is None:
        moved = addresses.moved_article(db, slug[:120], locale, reader_locale)
        if moved is None:
            abort(404)
        response = redirect(addresses.with_query(addresses.article_url(moved)), 302)
        response.vary.update(("Cookie", "Accept-Language"))  # the target may be the reader's language
        return response
    if request.args.get("from") == "suggest" and session.get("deflection_id"):
        db.add(DeflectionEvent(form_session=session["deflection_id"], kind="opened", article_id=found.id))
    view_counts.count_view(found.id)
    if current_user.is_authenticated and current_user.role == Role.CUSTOMER:
        read_marks.note_read(db, current_user, found)
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    shown = linking.visible_suggestions(db, found, viewer, current_app.config)
    visitor = events.record_impressions(db, shown)
    db.commit()
    voted = found.id in session.get("kb_voted", [])
    revalidated = viewer is None and not session.get("_flashes")
    if revalidated:
        # Anonymous readers revalidate: the page depends only on these values (the session's CSRF
        # secret, which its forms carry; the visitor and hour its links are signed for), so an
        # unchanged page answers 304 without rendering.
        tag = _article_tag(found, shown, reader_locale, voted, visitor)
        if tag in request.if_none_match:
            return _revalidated(Response(status=304), tag)
    page = _article_page(db, found, shown, reader_locale, voted)
    if shown:  # each link carries proof that this visitor was shown it (a click counts with it)
        page = impressions.sign_links(page, shown, current_app.config["SECRET_KEY"], visitor)
    response = make_response(page)
    if revalidated:  # the CSRF secret may be new with this page
        return _revalidated(response, _article_tag(found, shown, reader_locale, voted, visitor))
    return response


def _memoised_page(key: str, render) -> str:
    """The page under `key` plus the header's variant, rendered by `render()` (with slots) on a
    miss and kept in the shared cache; the user's name, the path and the CSRF token are filled in
    for this request."""
    return page_memo.serve(key, lambda: (render(), fragments.FRAGMENT_TTL), store=cache())


def _article_page(db, found: Article, shown: list, reader_locale: str, voted: bool) -> str:
    """The article page, memoised whole for every reader it looks the same to.

    Its key holds what the shared parts depend on (article, revision, links shown, language, `kb`
    generation), the vote state and the header's variant (role's navigation, logged in or not);
    the user's name, the path and the CSRF token are slots filled in here. A page with flashed
    messages is rendered, never memoised.
    """
    if session.get("_flashes"):
        return _render_article(db, found, shown, reader_locale, voted)
    key = fragments.page_key(fragments.article_key(found, shown, reader_locale), voted)
    return _memoised_page(
        key,
        lambda: chrome.render_with_slots(
            "kb/article.html", **_article_context(db, found, shown, reader_locale, voted)
        ),
    )


def _article_context(db, found: Article, shown: list, reader_locale: str, voted: bool) -> dict:
    versions = addresses.cached_versions(db, found)
    return {
        "article": found,
        "parts": fragments.article_parts(db, found, shown, reader_locale),
        "voted": voted,
        "alternates": addresses.alternates(versions),
        "missing_translation": addresses.missing_translation(found, versions, reader_locale),
    }


def _render_article(db, found: Article, shown: list, reader_locale: str, voted: bool) -> str:
    return render_template("kb/article.html", **_article_context(db, found, shown, reader_locale, voted))


def _article_tag(found: Article, shown: list, reader_locale: str, voted: bool, visitor: str) -> str:
    key = fragments.article_key(found, shown, reader_locale)
    signed = (visitor, impressions.signature_hour()) if shown else ()
    return fragments.etag(key, voted, session.get("csrf_token"), *signed)


def _revalidated(response: Response, tag: str) -> Response:
    """An anonymous article page: private to this browser, revalidated with its ETag every time."""
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _voter() -> str:
    """Who votes: the user, else one anonymous visitor per IP address and browser (not per session)."""
    return events.visitor_key()


def _vote_limit() -> str:
    """Anonymous votes per IP address (PORTAL_VOTE_RATE_LIMIT)."""
    return current_app.config["VOTE_RATE_LIMIT"]


def _is_logged_in() -> bool:
    return bool(current_user.is_authenticated)


@bp.route("/<locale>/a/<path:slug>/feedback", methods=["POST"])
@limiter.limit(_vote_limit, methods=["POST"], exempt_when=_is_logged_in)
def feedback(locale: str, slug: str):
    """'Was this helpful?': users vote once per article and may change it; anonymous visitors vote once."""
    db = get_session()
    found = addresses.published_article(db, slug[:120], locale)
    form = FeedbackForm()
    if found is None:
        abort(404)
    if not form.validate_on_submit() or form.helpful.data not in ("yes", "no"):
        abort(400)
    changeable = current_user.is_authenticated
    helpful = form.helpful.data == "yes"
    if reading.record_vote(db, found, _voter(), helpful, form.comment.data or "", changeable=changeable):
        db.commit()
        flash(_("Thank you for your feedback."), "success")
    else:
        db.rollback()
        flash(_("You have already told us about this article."), "info")
    if not changeable:  # users keep the buttons, to change their vote
        session["kb_voted"] = [*session.get("kb_voted", []), found.id][-200:]
    return redirect(addresses.article_url(found))


@bp.route("/<locale>/search")
def search(locale: str):
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    category = request.args.get("category", "")[:80]
    page_number = max(1, min(request.args.get("page", 1, type=int), 1000))
    content = search_page.search_content(get_session(), query, locale, _locale(), category, page_number)
    if content.searched and page_number == 1:
        search_service.log_search(query, locale, content.total)
    return render_template("kb/search.html", body=Markup(content.html))  # noqa: S704 - rendered, escaped


@bp.route("/suggest")
@csrf.exempt
def suggest():
    hits = search_service.suggest(request.args.get("q", "")[:MAX_QUERY], _locale(), limit=5)
    return jsonify(
        articles=[
            {
                "title": hit.title,
                "url": url_for("kb.article", locale=hit.locale, slug=hit.slug, **{"from": "suggest"}),
                "locale": hit.locale,
                "excerpt": html.unescape(TAG.sub("", hit.snippet_html)),
            }
            for hit in hits
        ]
    )
