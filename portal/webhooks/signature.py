"""Signing and verifying webhook deliveries (standard library only: receivers may copy this file).

A delivery carries three headers:

* ``X-Shopkeeper-Event``: the event name, e.g. ``request.created``;
* ``X-Shopkeeper-Timestamp``: Unix time in seconds when the attempt was sent;
* ``X-Shopkeeper-Signature``: ``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"``
  keyed with the subscription's secret, where ``<body>`` is the raw request body.

A receiver recomputes the HMAC over the exact bytes it received, compares it in constant time,
and refuses a timestamp older than a few minutes (a replayed delivery).
"""

from __future__ import annotations

import hashlib
import hmac
import time

#: How old (or how far in the future) a timestamp may be, in seconds, before it is refused.
DEFAULT_TOLERANCE = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Shopkeeper-Signature`` value for `body` sent at `timestamp`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when `signature` is the HMAC of `body` at `timestamp` and the timestamp is fresh.

    `body` must be the raw bytes received (not re-serialised JSON); `timestamp` and `signature`
    are the ``X-Shopkeeper-Timestamp`` and ``X-Shopkeeper-Signature`` header values.
    """
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())
