"""Turn a resolved service request into an article draft (Zammad's "answer to knowledge base").

Title from the subject, text from the description and the staff's public answers, with the
customer's personal data stripped (`knowledge_base.redact`), in the request's language; the
article is linked to the request, the request's history and the audit log say so.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.locales import DEFAULT_LOCALE, LOCALES
from knowledge_base.models import Article
from knowledge_base.redact import strip_personal
from linker.detect import detect_language
from portal import audit
from portal.models import RequestStatus, ServiceRequest, User
from portal.requests.services import record_event

#: Request states whose answer is known: only these become articles.
DRAFTABLE = (RequestStatus.RESOLVED, RequestStatus.CLOSED)


def is_draftable(req: ServiceRequest) -> bool:
    """A request becomes an article only once it is resolved or closed."""
    return req.status in DRAFTABLE


#: Fewer letters than this are too little to recognise a language by; the customer's setting decides.
MIN_LETTERS_TO_DETECT = 20


def request_locale(req: ServiceRequest) -> str:
    """The request's language: the language its text is written in (lingua), when that is a portal
    language; else its customer's interface language; else the default."""
    text = f"{req.subject}\n{req.description}"
    if sum(ch.isalpha() for ch in text) >= MIN_LETTERS_TO_DETECT:
        detected = detect_language(text)
        if detected in LOCALES:
            return detected
    locale = req.customer.locale if req.customer is not None else None
    return locale if locale in LOCALES else DEFAULT_LOCALE


def draft_text(req: ServiceRequest) -> tuple[str, str]:
    """(title, Markdown body) with the customer's personal data stripped."""
    names = [req.customer.name] if req.customer is not None and req.customer.name else []
    if req.customer is not None and req.customer.email:
        names.append(req.customer.email.split("@")[0])
    answers = [
        m.body.strip()
        for m in req.messages
        if not m.internal and m.author_id != req.customer_id and m.body.strip()
    ]
    parts = [req.description.strip(), *answers]
    body = "\n\n".join(strip_personal(p, names) for p in parts if p)
    return strip_personal(req.subject, names).strip()[:200], body


def _free_slug(session: Session, title: str, locale: str) -> str:
    base = workflow.slugify(title)[:110]
    taken = set(
        session.scalars(select(Article.slug).where(Article.slug.startswith(base), Article.locale == locale))
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_from_request(session: Session, req: ServiceRequest) -> Article | None:
    """The article already drafted from `req` (the first one), else None."""
    return session.scalar(
        select(Article).where(Article.source_request_id == req.id).order_by(Article.id).limit(1)
    )


def draft_from_request(session: Session, req: ServiceRequest, actor: User) -> Article:
    """A new draft article from `req` (FieldError unless resolved or closed); the caller commits."""
    if not is_draftable(req):
        raise FieldError(workflow.N_("Only a resolved or closed request can become an article."))
    title, body = draft_text(req)
    locale = request_locale(req)
    article = workflow.create_article(
        session,
        slug=_free_slug(session, title, locale),
        locale=locale,
        category=req.category,
        draft=workflow.Draft(title or req.reference, body or title, [], f"From request {req.reference}"),
        author_id=actor.id,
    )
    article.source_request_id = req.id
    record_event(req, actor, "kb_draft", None, f"{article.locale}:{article.slug}")
    audit.record(
        session,
        "article.drafted_from_request",
        actor=actor,
        target=f"{locale}:{article.slug}",
        request=req.reference,
    )
    session.flush()
    return article
