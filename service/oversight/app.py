"""The Flask app factory: one store, wired to the blueprints that publish it."""

from __future__ import annotations

from flask import Flask

from .config import Settings
from .loader import open_store
from .store import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the service. Pass a ready `store` to share one between apps (tests, CLI)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["oversight.settings"] = settings
    app.extensions["oversight.store"] = store or open_store(settings)

    from . import health, observability, security_headers, sparql, update

    observability.init_app(app)
    security_headers.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(update.bp)  # before sparql: it takes updates POSTed to /sparql
    app.register_blueprint(sparql.bp)
    return app
