"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready when the store answers a query; says which data is served and whether writes are on."""
    store = current_app.extensions["oversight.store"]
    try:
        bool(store.query("ASK { ?s ?p ?o }"))
    except OSError as err:
        return jsonify(status="unavailable", reason=str(err).splitlines()[0] if str(err) else "store error"), 503
    writable = bool(current_app.extensions["oversight.settings"].write_token)
    # The validation status says whether the data served passed the SHACL shapes (see validation.gate).
    return jsonify(status="ready", data_version=store.version, modified=store.modified.isoformat(),
                   writes_enabled=writable, validation=current_app.extensions.get("oversight.validation"))
