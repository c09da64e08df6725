"""The read-only SPARQL endpoint (minimal: GET and POST, results negotiated from formats.py)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from .executor import QueryCrashed, QueryFailed, QueryRejected, QueryTimeout, evaluate
from .formats import GRAPH_FORMATS, RESULTS_FORMATS, negotiate

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql_query() -> Response:
    query = request.values.get("query")
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    if not query:
        return Response("Missing 'query' parameter\n", status=400, mimetype="text/plain")
    try:
        evaluation = evaluate(current_app.extensions["oversight.store"], query)
    except SyntaxError as err:
        return Response(f"Malformed query: {err}\n", status=400, mimetype="text/plain")
    except (QueryTimeout, QueryCrashed, QueryRejected, QueryFailed) as err:
        return limit_response(err)
    formats = GRAPH_FORMATS if evaluation.kind == "graph" else RESULTS_FORMATS
    fmt = negotiate(request.accept_mimetypes, formats, request.args.get("format"))
    if fmt is None:
        return Response("No acceptable result format\n", status=406, mimetype="text/plain")
    return Response(evaluation.serialize(fmt), content_type=fmt.content_type, headers=evaluation.headers())


# -- executor errors (executor.py) to HTTP: kept apart so that the protocol layer can absorb it ----
LIMIT_STATUS = {QueryTimeout: 503, QueryCrashed: 503, QueryRejected: 400, QueryFailed: 400}


def limit_response(err: Exception) -> Response:
    status = next(code for cls, code in LIMIT_STATUS.items() if isinstance(err, cls))
    prefix = "Query not accepted" if status == 400 else "Query stopped"
    return Response(f"{prefix}: {err}\n", status=status, mimetype="text/plain")
