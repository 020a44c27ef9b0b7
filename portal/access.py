"""Who may do what: the one place for role gates and object rules.

Every view asks this module, never the role columns directly:

* `allows(user, action, obj)` answers a yes/no question and is a plain function
  that tests call without a request;
* `gate(action)` guards a whole blueprint, `requires(action)` one view;
* `load(model, ident, action)` and the named loaders fetch one object and answer
  404 themselves when the user may not know it exists (another customer's
  request), or 403 when the user sees it but may not do `action` with it.

Ids outside the database's integer range are "not found", never a database error.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from portal import identity_cache
from portal.db import get_session
from portal.models import Role, User

T = TypeVar("T")

#: The largest value of an INTEGER primary key (PostgreSQL and SQLite agree on 32 bits here).
MAX_ID = 2**31 - 1


class Action(enum.StrEnum):
    """Things a user asks to do. Area actions take no object; object actions take one."""

    # areas (no object)
    WORK_QUEUE = "work_queue"  # the staff request queue, internal notes, canned responses
    CURATE_KB = "curate_kb"  # write article revisions
    REVIEW_KB = "review_kb"  # approve, publish, archive articles
    MARKETING = "marketing"  # offers, blocklists, link review, reports
    ADMINISTER = "administer"  # users, catalogue, SLA, audit log, mailboxes
    INSIGHTS = "insights"  # the service dashboard (agents: their team's figures; admins: all)
    CUSTOMERS = "customers"  # the customer directory and each customer's whole picture (staff)
    SEGMENTS = "segments"  # define customer segments (marketers and admins)

    # objects
    VIEW = "view"  # see the object at all (404 otherwise)
    FOLLOW = "follow"  # a customer's own request: read, reply, close, reopen, rate
    HANDLE = "handle"  # staff work on a request (status, assignee, replies, internal notes)
    EDIT = "edit"  # change a staff-owned object (offer, canned response, article)
    REVIEW = "review"  # approve or send back (article revisions, link suggestions)
    INSPECT = "inspect"  # staff see a customer's whole picture (products, requests, notes, class)


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def _area_rules() -> dict[Action, Callable[[User], bool]]:
    return {
        Action.WORK_QUEUE: lambda u: u.has_role(Role.AGENT),
        Action.CURATE_KB: lambda u: u.has_role(Role.AGENT),
        Action.REVIEW_KB: lambda u: _is_admin(u) or (u.role == Role.AGENT and bool(u.kb_editor)),
        Action.MARKETING: lambda u: u.has_role(Role.MARKETER),
        Action.ADMINISTER: _is_admin,
        Action.INSIGHTS: lambda u: u.has_role(Role.AGENT),
        Action.CUSTOMERS: lambda u: u.has_role(Role.AGENT),
        Action.SEGMENTS: lambda u: u.has_role(Role.MARKETER),
    }


def _object_rule(user: User, action: Action, obj: Any) -> bool:
    """Rules per object type. Imported lazily: models import nothing from here."""
    from portal.models import Attachment, SavedView, ServiceRequest

    if isinstance(obj, SavedView):  # personal views are their owner's; shared ones every agent's
        works_queue = _area_rules()[Action.WORK_QUEUE](user)
        if action == Action.VIEW:
            return works_queue and (obj.owner_id == user.id or obj.shared)
        return works_queue and action == Action.EDIT and obj.owner_id == user.id
    if isinstance(obj, Attachment):
        if obj.message is not None and obj.message.internal and not user.has_role(Role.AGENT):
            return False  # a file on an internal note is for staff only
        obj = obj.request
        action = Action.VIEW if action in (Action.VIEW, Action.FOLLOW) else action
    if isinstance(obj, ServiceRequest):
        owner = obj.customer_id == user.id
        staff = user.has_role(Role.AGENT)
        if action == Action.VIEW:
            return owner or staff
        if action == Action.FOLLOW:
            return owner
        if action == Action.HANDLE:
            return staff
        return False
    if isinstance(obj, User):
        if action == Action.INSPECT:
            return obj.role == Role.CUSTOMER and user.has_role(Role.AGENT)
        return _is_admin(user) or (action == Action.VIEW and obj.id == user.id)
    return _customer_rule(user, action, obj)


def _customer_rule(user: User, action: Action, obj: Any) -> bool:
    """Registered products (owner; staff see them) and notes about customers (staff; author or admin edit)."""
    from portal.models import CustomerNote, CustomerProduct

    if isinstance(obj, CustomerProduct):
        owner = obj.user_id == user.id
        if action == Action.VIEW:
            return owner or user.has_role(Role.AGENT)
        return action == Action.EDIT and owner
    if isinstance(obj, CustomerNote):
        if action == Action.VIEW:
            return user.has_role(Role.AGENT)
        return action == Action.EDIT and (
            _is_admin(user) or (user.role == Role.AGENT and obj.author_id == user.id)
        )
    return _kb_rule(user, action, obj)


def _kb_rule(user: User, action: Action, obj: Any) -> bool:
    """Articles and their revisions: curators see and edit them; reviewers approve revisions.

    Under PORTAL_KB_FOUR_EYES (config KB_FOUR_EYES) nobody approves a revision they wrote.
    """
    from flask import current_app

    from knowledge_base.models import Article, ArticleRevision

    if not isinstance(obj, Article | ArticleRevision):
        return _marketing_rule(user, action, obj)
    if action in (Action.VIEW, Action.EDIT):
        return _area_rules()[Action.CURATE_KB](user)
    if action == Action.REVIEW and isinstance(obj, ArticleRevision):
        own = obj.author_id is not None and obj.author_id == user.id
        return _area_rules()[Action.REVIEW_KB](user) and not (
            own and current_app.config.get("KB_FOUR_EYES", False)
        )
    return False


def _marketing_rule(user: User, action: Action, obj: Any) -> bool:
    """Link suggestions and overrides: marketers (and admins) see them; they review (approve,
    reject, override) only suggestions of a published article; any of them may revoke an override."""
    from knowledge_base.models import ArticleStatus
    from portal.models import LinkOverride, LinkSuggestion

    marketing = _area_rules()[Action.MARKETING](user)
    if isinstance(obj, LinkSuggestion):
        if action == Action.VIEW:
            return marketing
        return action == Action.REVIEW and marketing and obj.article.status == ArticleStatus.PUBLISHED
    if isinstance(obj, LinkOverride):
        return action in (Action.VIEW, Action.EDIT) and marketing
    return False


def allows(user: Any, action: Action, obj: Any = None) -> bool:
    """True if `user` may do `action` (with `obj`, for object actions).

    Anonymous and inactive users may do nothing here; public pages do not ask.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    area = _area_rules().get(action)
    if area is not None:
        return area(user)
    if obj is None:
        return False
    return _object_rule(user, action, obj)


def _deny_anonymous() -> Any:
    from portal.extensions import login_manager

    return login_manager.unauthorized()


def gate(action: Action) -> Callable[[], Any]:
    """A `before_request` hook that lets only users allowed `action` into a blueprint."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return _deny_anonymous()
        if not allows(current_user, action):
            abort(403)
        return None

    return check


def requires(action: Action) -> Callable:
    """Decorate one view: only logged-in users allowed `action` pass (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allows(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def valid_id(value: Any) -> int | None:
    """`value` as a primary key if it is a whole number in the column's range, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= MAX_ID else None


def check(obj: T | None, action: Action, *, hidden: int = 404) -> T:
    """Return `obj` if the current user may do `action` with it.

    A missing object, or one the user may not even see, is `hidden` (404: its
    existence is not revealed); one they see but may not act on is 403.
    """
    if obj is None:
        abort(404)
    if not allows(current_user, action, obj):
        abort(403 if action != Action.VIEW and allows(current_user, Action.VIEW, obj) else hidden)
    return obj


def load(model: type[T], ident: Any, action: Action = Action.VIEW, *, hidden: int = 404) -> T:
    """Load `model` by primary key for `action`: 404 when missing or out of range, see `check`."""
    key = valid_id(ident)
    if key is None:
        abort(404)
    return check(get_session().get(model, key), action, hidden=hidden)


def load_staff_object(model: type[T], ident: Any) -> T:
    """Load an object that lives inside a gated staff area (the gate already checked the role)."""
    key = valid_id(ident)
    found = get_session().get(model, key) if key is not None else None
    if found is None:
        abort(404)
    return found


def request_by_reference(reference: str, action: Action = Action.VIEW) -> Any:
    """The service request with public `reference`, for `action` (404 for other customers)."""
    from sqlalchemy import select

    from portal.models import ServiceRequest

    if len(reference) > 32:
        abort(404)
    found = get_session().scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
    if found is not None and action == Action.FOLLOW and found.customer_id != current_user.id:
        abort(404)  # staff use the staff pages; a customer URL never shows someone else's request
    return check(found, action)


def load_user(session_id: str) -> User | None:
    """flask-login loader: the id carries the security stamp; inactive users are refused.

    Cached per worker until any user row changes (portal/identity_cache.py)."""
    user_id, _, stamp = session_id.partition(":")
    key = valid_id(user_id) if user_id.isdigit() else None
    if key is None:
        return None

    def usable(user: User) -> bool:
        return user.is_active and user.security_stamp == stamp

    user = identity_cache.load(get_session(), key, usable)
    return user if user is not None and usable(user) else None
