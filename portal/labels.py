"""The words shown for stored states and roles, translated: one table per enum.

Request statuses, priorities and channels keep their tables in portal/requests/workflow.py
(customers and staff see different status words); this module covers the rest and answers
`label(value)` for any of them. Tables are keyed by the enum's class because StrEnum members
equal their string value ("published" is both an article status and a revision state).
"""

from __future__ import annotations

import enum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from knowledge_base.locales import DEFAULT_LOCALE
from knowledge_base.models import ArticleStatus, RevisionState
from portal.models import Role
from portal.models.marketing import OfferStatus, SuggestionState
from portal.models.outbox import OutboxState

LABELS: dict[type[enum.Enum], dict] = {
    Role: {
        Role.CUSTOMER: _l("Customer"),
        Role.AGENT: _l("Agent"),
        Role.MARKETER: _l("Marketer"),
        Role.ADMIN: _l("Admin"),
    },
    ArticleStatus: {
        ArticleStatus.DRAFT: _l("Draft"),
        ArticleStatus.IN_REVIEW: _l("In review"),
        ArticleStatus.PUBLISHED: _l("Published"),
        ArticleStatus.ARCHIVED: _l("Archived"),
    },
    RevisionState: {
        RevisionState.DRAFT: _l("Draft"),
        RevisionState.IN_REVIEW: _l("In review"),
        RevisionState.PUBLISHED: _l("Published version"),
        RevisionState.SENT_BACK: _l("Sent back to the author"),
        RevisionState.SUPERSEDED: _l("Replaced by a later version"),
    },
    OfferStatus: {
        OfferStatus.ACTIVE: _l("Active"),
        OfferStatus.PAUSED: _l("Paused"),
        OfferStatus.ARCHIVED: _l("Archived"),
    },
    SuggestionState: {
        SuggestionState.PENDING: _l("Waiting for review"),
        SuggestionState.APPROVED: _l("Approved"),
        SuggestionState.REJECTED: _l("Rejected"),
        SuggestionState.BLOCKED: _l("Blocked"),
    },
    OutboxState: {
        OutboxState.PENDING: _l("Waiting to be sent"),
        OutboxState.SENT: _l("Sent"),
        OutboxState.FAILED: _l("Sending failed"),
    },
}

#: Webhook deliveries keep their state as a plain string (pending|delivered|failed).
DELIVERY_LABELS = {
    "pending": _l("Waiting to be sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Sending failed"),
}


def label(value: object) -> object:
    """The translated word for an enum member (the value itself for anything without a label)."""
    return LABELS.get(type(value), {}).get(value, value)


def localized(thing: object) -> str:
    """A category's or product's name in the reader's language (its default name as fallback)."""
    if thing is None:
        return ""
    return thing.name_in(str(get_locale() or DEFAULT_LOCALE))  # type: ignore[attr-defined]
