"""Helpers for the outbound-mail tests."""

from __future__ import annotations

import io

from tests.conftest import csrf_token, free_port


def unreachable_smtp_url() -> str:
    """An SMTP URL on a local port where nothing listens (connection refused at once)."""
    return f"smtp://127.0.0.1:{free_port()}?timeout=2"


def customer_reply(client, ref: str, body: str, files=()):
    """Post the customer's reply form (multipart, with optional (name, bytes) files)."""
    data = {"body": body, "csrf_token": csrf_token(client, f"/requests/{ref}")}
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/requests/{ref}/reply", data=data, content_type="multipart/form-data")


def text_of(message) -> str:
    """The plain-text body of a received mail."""
    return message.get_body(("plain",)).get_content()
