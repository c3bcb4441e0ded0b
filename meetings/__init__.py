"""OrgLife (组织生活): planning and recording Party branches' organizational life."""
import os

from flask import Flask

from meetings import config as cfg
from meetings.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("ORGLIFE_INSTANCE") or os.path.join(ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    load_config(app, test_config)
    trust_proxies(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    """Every layer (``config.layer``); tests pass a dict over the defaults instead."""
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        for warning in cfg.layer(app.config, app.instance_path):
            app.logger.warning("%s", warning)
    else:
        app.config.from_object(cfg.DefaultConfig)
        app.config.update(test_config)
        cfg.finish(app.config, app.instance_path, is_production=False)
    app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "uploads"))
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme are theirs to
    tell (X-Forwarded-For/-Proto): otherwise every request has the proxy's address, and one
    guesser's limit locks out the whole office. The Host is not taken from them: links come
    from BASE_URL."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


def register_converters(app: Flask) -> None:
    """``<int:id>`` stops at the database's integer range, so a huge id is a 404, not a 500."""
    from werkzeug.routing import IntegerConverter

    class DatabaseId(IntegerConverter):
        def __init__(self, url_map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(url_map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseId


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of ``extensions.py`` to this app."""
    from meetings.web import i18n, security
    from meetings.web.auth.loader import init_login

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    init_login(app, login_manager)
    i18n.init_app(app)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature; ``web/errors`` renders 403/404/500 in Chinese."""
    from meetings.web import actions, attachments, audit, auth, calendar, errors, main, orgs, roster, types
    from meetings.web import campaigns as campaign_pages
    from meetings.web import compliance as compliance_pages
    from meetings.web import mail as mail_pages
    from meetings.web import meetings as meeting_pages
    from meetings.web import supervision as supervision_pages
    from meetings.web import tokens as token_pages

    for module in (auth, main, orgs, roster, meeting_pages, actions, attachments, calendar, types,
                   campaign_pages, compliance_pages, supervision_pages, audit, mail_pages):
        app.register_blueprint(module.bp)
    app.register_blueprint(token_pages.bp)
    register_api(app)
    errors.init_app(app)


def register_api(app: Flask) -> None:
    """``/api/v1``: JSON with bearer tokens; its errors are problem details (``api/problems``)."""
    from meetings import api

    app.register_blueprint(api.bp)


def register_cli(app: Flask) -> None:
    """``flask --app wsgi seed-demo``, ``import-roster``, ``create-user`` …"""
    from meetings import cli

    cli.init_app(app)
