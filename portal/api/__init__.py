"""The JSON API at /api/v1, built with APIFlask.

Why APIFlask: the OpenAPI 3.1 document is generated from the code (routes, marshmallow schemas,
docstrings), so it cannot drift from what the API does; input is validated by the same schemas;
and it is built on Flask blueprints, so `APIBlueprint` sits in our app beside the web blueprints
and reuses `portal.access`, the services and flask-login's current user unchanged.

Modules: tokens (create, check, revoke), auth (bearer, scopes, rate-limit key, audit), errors
(RFC 9457 problems), idempotency, pagination (cursors), schemas, and one module per resource group.
"""

from __future__ import annotations

from flask import Flask

from portal.api import spec


def init_app(app: Flask) -> None:
    """Register the API blueprint (with every resource module) and its OpenAPI document."""
    from portal.api import catalog, kpis, marketing, orders, service_requests  # noqa: F401 (add the views)
    from portal.api.account import bp as tokens_bp
    from portal.api.blueprint import bp
    from portal.api.docs import bp as docs_bp

    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(tokens_bp)
    spec.init_app(app)
    from portal.api.cli import tokens_group

    app.cli.add_command(tokens_group)
