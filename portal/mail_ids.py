"""Message-IDs of the mail we send, and reading a request reference back out of them.

Every outgoing mail about a request gets a Message-ID that carries the request's reference
and a signature: `<SR-2026-000123.<nonce>.<signature>@<domain>>`. A reply's `In-Reply-To` or
`References` header then names the request without any lookup table, and nobody can forge a
header that threads their mail into another request, because the signature is an HMAC of
reference and nonce under the app's secret key. Whoever handles an inbound reply must still
check that the sender is allowed to write to that request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SIGNATURE_CHARS = 16
_MESSAGE_ID_RE = re.compile(r"<?(SR-\d{4}-\d{6})\.([0-9a-f]{16})\.([0-9a-f]{16})@([^>\s]+)>?", re.IGNORECASE)
_ANGLE_RE = re.compile(r"<[^<>\s]+>")


def _signature(secret: str, reference: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"{reference}.{nonce}".encode(), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_CHARS]


def new_message_id(secret: str, reference: str, domain: str) -> str:
    """A fresh Message-ID for a mail about request `reference`, signed with `secret`."""
    nonce = secrets.token_hex(8)
    return f"<{reference}.{nonce}.{_signature(secret, reference, nonce)}@{domain}>"


def reference_from_message_id(secret: str, message_id: str) -> str | None:
    """The request reference a Message-ID we sent names, or None (not ours, or forged)."""
    found = _MESSAGE_ID_RE.fullmatch(message_id.strip())
    if found is None:
        return None
    reference, nonce, signature = found.group(1).upper(), found.group(2).lower(), found.group(3).lower()
    if not hmac.compare_digest(signature, _signature(secret, reference, nonce)):
        return None
    return reference


def message_ids_in(header_value: str | None) -> list[str]:
    """The `<…>` ids of an In-Reply-To or References header, in order."""
    return _ANGLE_RE.findall(header_value or "")


def referenced_request(secret: str, in_reply_to: str | None, references: str | None) -> str | None:
    """The reference of the request a reply answers: the newest of our ids it names, or None."""
    for message_id in reversed(message_ids_in(references) + message_ids_in(in_reply_to)):
        reference = reference_from_message_id(secret, message_id)
        if reference is not None:
            return reference
    return None
