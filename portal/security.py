"""Response hardening and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


#: Endpoints that take file uploads: only these accept bodies up to MAX_CONTENT_LENGTH.
#: Every other endpoint (and any URL that matches no route) gets FORM_MAX_BYTES.
UPLOAD_ENDPOINTS = frozenset(
    {
        "requests.new",  # a new request with attachments
        "requests.reply",  # a customer's reply (attachments, when replies carry them)
        "staff_requests.detail",  # an agent's reply (attachments, when replies carry them)
        "staff_requests.new_on_behalf",  # a request an agent opens for a customer, with files
        "marketing.offer_import",  # OFFERS.json import
        "marketing.blocklist_import",  # blocklist import
        "account_products.index",  # a registered product's receipt
        "customers.import_orders",  # an ERP export of order totals (CSV)
        "kb_images.upload",  # an image for an article
    }
)


def body_limit(endpoint: str | None) -> int:
    """The largest request body, in bytes, that `endpoint` accepts."""
    config = current_app.config
    if endpoint in UPLOAD_ENDPOINTS:
        return int(config["MAX_CONTENT_LENGTH"])
    return int(config.get("FORM_MAX_BYTES") or config["MAX_CONTENT_LENGTH"])


def is_safe_redirect(target: str | None) -> bool:
    """True only for a local path on this site (no scheme, host or protocol-relative URL)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def has_nul(values) -> bool:
    """True if any text contains a NUL character (PostgreSQL refuses them; no form needs them)."""
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    """Cap request bodies per endpoint, refuse NUL characters in input; add the security headers."""

    @app.before_request
    def _limit_body():
        # Before anything reads the form: an oversized body is refused (413) without being parsed.
        request.max_content_length = body_limit(request.endpoint)

    @app.before_request
    def _refuse_nul():
        if request.routing_exception is not None:
            return  # a 404/405 is answered without parsing the body at all
        texts = [request.path, *request.args.values(), *request.form.values()]
        texts += [f.filename or "" for f in request.files.values()]
        if has_nul(texts):
            abort(400)

    @app.after_request
    def _harden(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "text/html" in response.content_type:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
