"""The read-only SPARQL endpoint (minimal: SPARQL JSON results by GET and POST)."""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql_query() -> Response:
    query = request.values.get("query")
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    if not query:
        return Response("Missing 'query' parameter\n", status=400, mimetype="text/plain")
    store = current_app.extensions["oversight.store"]
    try:
        result = store.query(query)
    except SyntaxError as err:
        return Response(f"Malformed query: {err}\n", status=400, mimetype="text/plain")
    out = io.BytesIO()
    if isinstance(result, ox.QueryTriples):
        result.serialize(out, format=ox.RdfFormat.N_TRIPLES)
        return Response(out.getvalue(), mimetype="application/n-triples")
    result.serialize(out, format=ox.QueryResultsFormat.JSON)
    return Response(out.getvalue(), mimetype="application/sparql-results+json")
