"""Shopkeeper portal: the Flask application factory."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Flask
from jinja2 import FileSystemBytecodeCache
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import cache_events, config, db, errors, security, session_cookies
from portal.extensions import babel, csrf, limiter, login_manager

PACKAGE_DIR = Path(__file__).resolve().parent


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only values a 32-bit primary key can hold."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class PortalApp(APIFlask):
    """The portal's app: APIFlask, whose OpenAPI generator describes only the API blueprints."""

    def register_blueprint(self, blueprint: Any, **options: Any) -> None:
        # APIFlask reads `enable_openapi` from every blueprint with hooks; plain ones are not API.
        if not hasattr(blueprint, "enable_openapi"):
            blueprint.enable_openapi = False
        super().register_blueprint(blueprint, **options)


def resource_dir(name: str) -> Path:
    """Find a top-level resource folder: installed inside the package, or in the source tree."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build and configure the portal application."""
    settings = config.load_settings(overrides)
    # APIFlask is Flask plus the OpenAPI generator for the API blueprint (portal/api): web pages and
    # their HTML errors are unchanged (json_errors=False), the spec is served at /api/v1/openapi.json.
    app = PortalApp(
        __name__,
        title="Shopkeeper API",
        version="1.0",
        spec_path="/api/v1/openapi.json",
        docs_path=None,
        json_errors=False,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.update(settings)
    _compile_templates_once(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PACKAGE_DIR / "translations")
    # Ids in URLs past the INTEGER column range are 404s, not database errors.
    app.url_map.converters["int"] = BoundedIntConverter
    _trust_proxies(app)

    db.init_app(app)
    cache_events.init_app(app)
    from portal.kb import search_service, tags

    tags.init_app(app)
    search_service.init_app(app)
    security.init_app(app)
    session_cookies.init_app(app)
    errors.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)
    from portal import webhooks

    webhooks.init_app(app)

    from portal import api, cli, templating

    api.init_app(app)

    templating.init_app(app)
    cli.init_app(app)
    _freeze_startup_heap()
    return app


def _freeze_startup_heap() -> None:
    """Move everything built so far (modules, the linker's models, the app) out of the garbage
    collector's sight: a full collection in a web worker walked ~230,000 objects (~0.15 s of
    CPU, a pause of the requests in flight) every time caches had grown by a quarter; now it
    walks only what requests keep (gc.freeze, as forking servers are advised to do). Startup
    garbage is collected first; objects kept since startup are freed by reference counting as
    before, only reference cycles among them would stay."""
    gc.collect()
    gc.freeze()


def _compile_templates_once(app: Flask) -> None:
    """Keep compiled templates in the instance folder (workers start without compiling them).

    Jinja checks each cached template against its source's checksum; templates are re-read from
    disk only in debug mode or with TEMPLATES_AUTO_RELOAD (Flask's default: never in production).
    """
    folder = Path(app.instance_path) / "jinja-cache"
    folder.mkdir(parents=True, exist_ok=True)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": FileSystemBytecodeCache(str(folder))}


def _trust_proxies(app: Flask) -> None:
    """Behind PORTAL_PROXY_HOPS reverse proxies, take the client address, scheme and host they forward.

    With the default 0 nothing forwarded is believed: X-Forwarded-* headers are ignored, so a
    client cannot pick its own rate-limit bucket.
    """
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def _init_extensions(app: Flask) -> None:
    from portal import formats, i18n
    from portal.access import load_user
    from portal.i18n import select_locale

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=formats.select_timezone)
    i18n.init_app(app)
    formats.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")


def _register_blueprints(app: Flask) -> None:
    from portal.admin.names_views import bp as catalog_names_bp
    from portal.admin.views import bp as admin_bp
    from portal.auth.views import bp as auth_bp
    from portal.customers import account_views, catalog_views, segment_views
    from portal.customers import staff_views as customer_staff_views
    from portal.insights.views import bp as insights_bp
    from portal.kb.authoring_views import bp as kb_authoring_bp
    from portal.kb.image_views import bp as kb_images_bp
    from portal.kb.legacy_views import bp as kb_legacy_bp
    from portal.kb.sitemap import bp as sitemap_bp
    from portal.kb.staff_views import bp as staff_kb_bp
    from portal.kb.views import bp as kb_bp
    from portal.mail_in.views import bp as mail_in_bp
    from portal.main.views import bp as main_bp
    from portal.marketing.go import bp as go_bp
    from portal.marketing.views import bp as marketing_bp
    from portal.privacy.views import bp as privacy_bp
    from portal.requests.customer_views import bp as requests_bp
    from portal.requests.staff_views import bp as staff_requests_bp
    from portal.webhooks.views import bp as webhooks_bp
    from portal.workspace.views import bp as workspace_bp

    blueprints = (
        main_bp,
        auth_bp,
        admin_bp,
        catalog_names_bp,
        marketing_bp,
        requests_bp,
        staff_requests_bp,
        kb_bp,
        kb_legacy_bp,
        sitemap_bp,
        staff_kb_bp,
        kb_authoring_bp,
        kb_images_bp,
        go_bp,
        workspace_bp,
        mail_in_bp,
        webhooks_bp,
        privacy_bp,
        insights_bp,
        customer_staff_views.bp,
        account_views.bp,
        segment_views.bp,
        catalog_views.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
