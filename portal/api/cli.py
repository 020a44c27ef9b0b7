"""`portal api-tokens create|list|revoke`: tokens for scripts and integrations, from the shell."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from knowledge_base.errors import FieldError
from portal import audit
from portal.api import tokens
from portal.db import get_session
from portal.models import User


@click.group("api-tokens", help="Personal API tokens.")
def tokens_group() -> None:
    pass


def _user(email: str) -> User:
    user = get_session().scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account with the address {email}.")
    return user


@tokens_group.command("create")
@click.option("--email", required=True, help="the owner's e-mail address")
@click.option("--name", default="cli", show_default=True)
@click.option("--scope", "scopes", multiple=True, help="repeat; default: every scope the role may give")
@click.option("--days", default=30, show_default=True, type=int)
@with_appcontext
def create(email: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Create a token and print its secret (shown this once)."""
    db = get_session()
    user = _user(email)
    try:
        new = tokens.create_token(
            db,
            user,
            name,
            list(scopes) or tokens.scopes_for(user),
            days,
            max_days=current_app.config["API_TOKEN_MAX_DAYS"],
        )
    except FieldError as exc:
        raise click.ClickException(str(exc.message)) from None
    audit.record(db, "api_token.created", actor=user, target=new.token.name, token=new.token.id, via="cli")
    db.commit()
    click.echo(new.secret)


@tokens_group.command("list")
@click.option("--email", required=True)
@with_appcontext
def list_tokens(email: str) -> None:
    """The owner's tokens: id, name, prefix, scopes, expiry, state."""
    for token in tokens.tokens_of(get_session(), _user(email)):
        state = "live" if tokens.is_live(token) else ("revoked" if token.revoked_at else "expired")
        scopes = ",".join(token.scopes)
        click.echo(
            f"{token.id}\t{token.name}\tshk_{token.prefix}_…\t{scopes}\t{token.expires_at:%Y-%m-%d}\t{state}"
        )


@tokens_group.command("revoke")
@click.option("--email", required=True)
@click.argument("token_id", type=int)
@with_appcontext
def revoke(email: str, token_id: int) -> None:
    """Revoke one of the owner's tokens."""
    db = get_session()
    user = _user(email)
    token = tokens.revoke(db, user, token_id)
    if token is None:
        raise click.ClickException(f"{email} has no token {token_id}.")
    audit.record(db, "api_token.revoked", actor=user, target=token.name, token=token.id, via="cli")
    db.commit()
    click.echo(f"Token {token_id} revoked.")
