"""The status workflow: new → open → waiting_on_customer ⇄ open → resolved → closed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import Priority
from portal.models import RequestStatus as S

STAFF_TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.WAITING_ON_CUSTOMER, S.RESOLVED}),
    S.WAITING_ON_CUSTOMER: frozenset({S.OPEN, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN}),
    S.CLOSED: frozenset(),
}
CUSTOMER_CLOSABLE = frozenset({S.NEW, S.OPEN, S.WAITING_ON_CUSTOMER, S.RESOLVED})

STATUS_LABELS = {
    S.NEW: _l("New"),
    S.OPEN: _l("Open"),
    S.WAITING_ON_CUSTOMER: _l("Waiting on you"),
    S.RESOLVED: _l("Resolved"),
    S.CLOSED: _l("Closed"),
}

#: Staff read the same statuses from their side: the request waits on the customer, not on them.
STAFF_STATUS_LABELS = {**STATUS_LABELS, S.WAITING_ON_CUSTOMER: _l("Waiting on customer")}


def can_staff_move(current: S, target: S) -> bool:
    """True if staff may move a request from `current` to `target`."""
    return target in STAFF_TRANSITIONS[current]


PRIORITY_LABELS = {
    Priority.LOW: _l("Low"),
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.URGENT: _l("Urgent"),
}

#: How a request or message reached us (keys: portal.models.requests.CHANNELS).
CHANNEL_LABELS = {
    "web": _l("via the portal"),
    "email": _l("by email"),
    "phone": _l("by phone"),
    "counter": _l("at the counter"),
    "api": _l("via the API"),
}
