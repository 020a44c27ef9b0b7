"""Agents open requests for customers who phoned or came to the counter, new customers included."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from knowledge_base.errors import FieldError
from portal import audit
from portal.auth.services import ResetTokens, create_user, find_user_by_email, normalise_email
from portal.models import Role, ServiceRequest, User
from portal.requests import services

#: The channels an agent may record for a request they type in.
STAFF_CHANNELS = ("phone", "counter", "email")


def find_or_create_customer(
    session: Session, agent: User, email: str, name: str, hash_params: dict | None
) -> tuple[User, bool]:
    """The customer with this address, or a new one (unconfirmed, random password); True if new."""
    try:
        address = normalise_email(email)
    except FieldError as exc:
        raise FieldError(exc.message, field="customer") from exc
    user = find_user_by_email(session, address)
    if user is not None:
        if user.role != Role.CUSTOMER:
            raise FieldError(_l("This address belongs to a staff account, not a customer."), field="customer")
        if not user.is_active:
            raise FieldError(_l("This customer's account is deactivated."), field="customer")
        return user, False
    user = create_user(
        session,
        email=address,
        name=name.strip() or address.split("@", 1)[0],
        password=secrets.token_urlsafe(32),
        role=Role.CUSTOMER,
        hash_params=hash_params,
        confirmed=False,
    )
    audit.record(session, "user.created", actor=agent, target=user.email, role="customer", via="on_behalf")
    return user, True


def open_for_customer(
    session: Session,
    agent: User,
    customer: User,
    data: services.NewRequest,
    limits: services.Limits,
) -> ServiceRequest:
    """Create the request as the customer's, recorded as opened by `agent` on `data.channel`."""
    if data.channel not in STAFF_CHANNELS:
        raise FieldError(_l("Choose how the customer reached us."), field="channel")
    return services.create_request(session, customer, data, limits, actor=agent)


def set_password_link_token(config: Mapping[str, Any], user: User) -> str:
    """A password-reset token: the new customer's way to choose a password."""
    return ResetTokens(config["SECRET_KEY"], config["PASSWORD_RESET_MAX_AGE"]).make(user)
