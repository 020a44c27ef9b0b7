"""A few months of made-up service history for the demo, so the dashboard shows real figures.

Deterministic (a seeded random generator) and quick: a few hundred requests with their events,
first replies, ratings and reopens, plus request-form deflection events, knowledge-base
searches and a business-hours calendar (not assigned to a policy: the admin can try it).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import DeflectionEvent
from portal.models import (
    Calendar,
    Holiday,
    Priority,
    Product,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    SearchLog,
    ServiceRequest,
    User,
)
from portal.requests.references import allocate_reference
from portal.requests.sla import schedule_for, set_due_times
from portal.requests.sla_clock import clock_minutes

DAYS = 120
REQUESTS = 480
CHANNEL_WEIGHTS = {"web": 60, "email": 25, "phone": 10, "counter": 3, "api": 2}
PRIORITY_WEIGHTS = {Priority.LOW: 20, Priority.NORMAL: 55, Priority.HIGH: 20, Priority.URGENT: 5}
RATING_WEIGHTS = {1: 5, 2: 7, 3: 15, 4: 33, 5: 40}
PROBLEMS = ("does not start", "makes noise", "shows an error code", "question about use")
SEARCHES_FOUND = (
    "washing machine leaks",
    "reset router",
    "pralka nie wiruje",
    "warranty",
    "coffee descaling",
)
SEARCHES_EMPTY = ("dishwasher smell", "invoice copy", "change delivery address", "wi-fi 7", "zwrot towaru")
#: Polish public holidays of the demo calendar.
HOLIDAYS = {
    date(2026, 11, 1): "All Saints' Day",
    date(2026, 11, 11): "Independence Day",
    date(2026, 12, 24): "Christmas Eve",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 26): "Second Day of Christmas",
    date(2027, 1, 1): "New Year's Day",
    date(2027, 1, 6): "Epiphany",
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _event(request: ServiceRequest, actor: User | None, when: datetime, kind: str, old, new) -> None:
    request.events.append(RequestEvent(actor=actor, kind=kind, from_value=old, to_value=new, created_at=when))


def _moments(rng: random.Random, now: datetime) -> list[datetime]:
    """Creation times over the last DAYS days, mostly in office hours, oldest first."""
    found = []
    for _ in range(REQUESTS):
        day = now - timedelta(days=rng.uniform(0, DAYS))
        moment = day.replace(hour=rng.choice((7, 8, 9, 10, 11, 12, 13, 14, 15, 18)), minute=rng.randrange(60))
        found.append(min(moment, now - timedelta(minutes=5)))
    return sorted(found)


def _history_request(
    session: Session, rng: random.Random, now: datetime, created: datetime, parts: dict
) -> ServiceRequest:
    age = now - created
    product = rng.choice(parts["products"])
    customer = rng.choice(parts["customers"])
    request = ServiceRequest(
        reference=allocate_reference(session, created.year),
        customer=customer,
        subject=f"{product.name}: {rng.choice(PROBLEMS)}",
        description="Made-up history for the demo dashboard.",
        category_id=product.category_id,
        product=product,
        priority=_pick(rng, PRIORITY_WEIGHTS),
        status=RequestStatus.NEW,
        channel=_pick(rng, CHANNEL_WEIGHTS),
        created_at=created,
        updated_at=created,
    )
    set_due_times(session, request, created)
    _event(request, customer, created, "created", None, RequestStatus.NEW.value)
    # service gets faster over the months: older requests waited longer
    pace = 0.6 + age.days / DAYS
    agent = rng.choices(parts["agents"] + [None], weights=[55, 30, 15][: len(parts["agents"])] + [15])[0]
    first = created + timedelta(hours=rng.lognormvariate(1.0, 0.9) * pace)
    if first >= now or agent is None and age < timedelta(days=10):
        return request  # still waiting for a first reply: part of the backlog
    agent = agent or parts["agents"][0]
    request.assignee = agent
    clock = schedule_for(session, request.priority)
    request.first_responded_at = first
    request.first_response_minutes = clock_minutes(created, first, clock)
    request.messages.append(
        RequestMessage(author=agent, body="Thank you, we are looking into it.", created_at=first)
    )
    request.status = RequestStatus.OPEN
    _event(request, agent, first, "status", RequestStatus.NEW.value, RequestStatus.OPEN.value)
    resolved = first + timedelta(hours=rng.lognormvariate(3.0, 1.0) * pace)
    if resolved >= now or rng.random() < 0.08:
        return request
    request.status, request.resolved_at = RequestStatus.RESOLVED, resolved
    request.resolution_minutes = clock_minutes(created, resolved, clock)
    _event(request, agent, resolved, "status", RequestStatus.OPEN.value, RequestStatus.RESOLVED.value)
    if rng.random() < 0.07 and resolved + timedelta(days=1) < now:  # the customer reopens it
        reopened = resolved + timedelta(hours=rng.uniform(2, 24))
        _event(request, customer, reopened, "status", RequestStatus.RESOLVED.value, RequestStatus.OPEN.value)
        resolved = reopened + timedelta(hours=rng.lognormvariate(2.0, 0.8))
        if resolved >= now:
            request.status, request.resolved_at, request.resolution_minutes = RequestStatus.OPEN, None, None
            return request
        request.resolved_at = resolved
        request.resolution_minutes = clock_minutes(created, resolved, clock)
        _event(request, agent, resolved, "status", RequestStatus.OPEN.value, RequestStatus.RESOLVED.value)
    if rng.random() < 0.5:
        request.rating = _pick(rng, RATING_WEIGHTS)
        _event(request, customer, resolved + timedelta(hours=1), "rating", None, str(request.rating))
    if resolved + timedelta(days=7) < now:
        request.status, request.closed_at = RequestStatus.CLOSED, resolved + timedelta(days=7)
        _event(
            request,
            None,
            request.closed_at,
            "status",
            RequestStatus.RESOLVED.value,
            RequestStatus.CLOSED.value,
        )
    request.updated_at = request.closed_at or resolved
    return request


def _kb_activity(session: Session, rng: random.Random, now: datetime) -> None:
    for day in range(DAYS):
        moment = now - timedelta(days=day, hours=rng.uniform(1, 10))
        for n in range(rng.randint(1, 4)):
            form = f"demo-{day}-{n}"
            session.add(DeflectionEvent(form_session=form, kind="opened", created_at=moment))
            if rng.random() < 0.45:
                session.add(DeflectionEvent(form_session=form, kind="submitted", created_at=moment))
        for _ in range(rng.randint(2, 6)):
            empty = rng.random() < 0.2
            query = rng.choice(SEARCHES_EMPTY if empty else SEARCHES_FOUND)
            locale = "pl" if query.startswith(("pralka", "zwrot")) else "en"
            session.add(
                SearchLog(
                    query=query, locale=locale, results=0 if empty else rng.randint(1, 8), created_at=moment
                )
            )


def _calendar(session: Session) -> None:
    if session.scalar(select(Calendar.id).limit(1)) is None:
        session.add(
            Calendar(
                name="Office hours (Warsaw)",
                time_zone="Europe/Warsaw",
                hours={str(day): [[8 * 60, 18 * 60]] for day in range(5)},
                holidays=[Holiday(day=day, name=name) for day, name in HOLIDAYS.items()],
            )
        )


def seed_history(session: Session, now: datetime | None = None) -> int:
    """Add the demo history (caller commits); returns how many requests it made."""
    now = now or utcnow()
    rng = random.Random(14)
    customers = list(
        session.scalars(select(User).where(User.email.like("customer%@example.com")).order_by(User.id))
    )
    agents = [
        u
        for email in ("agent@example.com", "admin@example.com")
        if (u := session.scalar(select(User).where(User.email == email))) is not None
    ]
    products = list(session.scalars(select(Product).order_by(Product.id)))
    if not customers or not agents or not products:
        return 0
    parts = {"customers": customers, "agents": agents, "products": products}
    made = [_history_request(session, rng, now, created, parts) for created in _moments(rng, now)]
    session.add_all(made)
    _kb_activity(session, rng, now)
    _calendar(session)
    return len(made)
