"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    store = current_app.extensions["oversight.store"]
    # The validation status says whether the data served passed the SHACL shapes (see validation.gate).
    return jsonify(status="ready", data_version=store.version, modified=store.modified.isoformat(),
                   validation=current_app.extensions.get("oversight.validation"))
