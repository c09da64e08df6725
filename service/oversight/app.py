"""The Flask app factory: one store, wired to the blueprints that publish it."""

from __future__ import annotations

from flask import Flask

# Imported here, not in create_app: a server worker that builds the app after the fork (on-disk
# stores) must find every module already loaded, or its first requests wait for the imports.
from . import (cors, dataset, errors, executor, graph_store, health, linkeddata, observability, pages,
               security_headers, shacl_http, sparql, statements, timeline, update)
from .config import Settings
from .loader import open_store
from .store import Store


def create_app(settings: Settings | None = None, store: Store | None = None, validation: dict | None = None) -> Flask:
    """Build the service. Pass a ready `store` to share one between apps (tests, CLI), and the
    `validation` status of its data (validation.gate; None: not validated)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_body_bytes  # one limit for bodies and form fields
    app.extensions["oversight.settings"] = settings
    app.extensions["oversight.store"] = store or open_store(settings)
    app.extensions["oversight.validation"] = validation or {"checked": False, "conforms": None}
    executor.configure(app.extensions["oversight.store"], settings)

    observability.init_app(app)
    errors.register(app, settings.max_body_bytes)
    cors.init_app(app, settings.cors_origins)
    app.register_blueprint(health.bp)
    update.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(shacl_http.bp)  # POST /shacl validates, GET /shacl the shapes
    # Linked-data publishing and the pages for people.
    for blueprint in (dataset.bp, linkeddata.bp, pages.bp, statements.bp, timeline.bp):
        app.register_blueprint(blueprint)
    security_headers.init_app(app)
    return app
