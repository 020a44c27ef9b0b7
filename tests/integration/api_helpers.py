"""Helpers for API tests: tokens and bearer headers."""

from __future__ import annotations

from datetime import timedelta

from portal.api import tokens

ALL_SCOPES = list(tokens.SCOPES)


def make_token(app, db, user, scopes=None, days: int = 30) -> str:
    """A live token of `user` with `scopes` (default: every scope their role may give); its secret."""
    with app.test_request_context():
        allowed = tokens.scopes_for(user)
        new = tokens.create_token(
            db, user, "test", scopes if scopes is not None else allowed, days, max_days=365
        )
    db.commit()
    return new.secret


def bearer(secret: str, **extra) -> dict[str, str]:
    """The headers of an API call with this token."""
    return {"Authorization": f"Bearer {secret}", **extra}


def expire(db, secret: str) -> None:
    """Make the token of `secret` expired."""
    from sqlalchemy import select

    from knowledge_base.db import utcnow
    from portal.models import ApiToken

    token = db.scalar(select(ApiToken).where(ApiToken.prefix == tokens.parse(secret)))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
