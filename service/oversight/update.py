"""Writes: SPARQL 1.1 Update (`POST /update`, or `POST /sparql` with `update=`) and Graph Store
Protocol writes (`PUT`/`POST`/`DELETE /sparql/graph?graph=IRI` or `?default`).

Writes exist only when the operator configured a write token, need that token as a bearer token,
and pass the SHACL gate (write_gate.py). Posted RDF is parsed by pyoxigraph, which refuses external
XML entities and remote JSON-LD contexts; bodies past the size limit get 413 from Flask.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from . import auth
from .formats import GRAPH_FORMATS, by_name
from .update_guard import RefusedUpdate, check_remote_access
from .write_gate import Validator, gated_update, graph_update

bp = Blueprint("update", __name__)

UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def _text(message: str, status: int, **headers: str) -> Response:
    return Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain", headers=headers)


def _refuse_unless_authorised(disabled_status: int) -> Response | None:
    """None when the request may write; otherwise the response to send (checked before the body is read)."""
    token = current_app.extensions["oversight.settings"].write_token
    if not token:
        message = "Writes are disabled: this server is read-only (no write token is configured)."
        if disabled_status == 405:
            return _text(message, 405, Allow="GET, HEAD")
        return _text(message, disabled_status)
    if not auth.is_authorised(request, token):
        return auth.unauthorised()
    return None


def _validator() -> Validator | None:
    try:
        from .validation import validate_store
    except ImportError:
        return None
    return validate_store


def _apply(update: str) -> Response:
    """Run one update through the SHACL gate and say what happened."""
    validate = _validator()
    if validate is None:
        return _text("Writes are unavailable: the SHACL gate (oversight.validation) is not installed.", 503)
    store = current_app.extensions["oversight.store"]
    try:
        report = gated_update(store, update, validate)
    except SyntaxError as err:
        return _text(f"Malformed update: {err}", 400)
    except OSError as err:
        return _text(f"Update could not be applied: {str(err).splitlines()[0] if str(err) else err}", 400)
    if not report.conforms:
        return _text("Write rejected: the result would not conform to the shapes; nothing was changed.\n\n"
                     + report.text(), 422)
    return _text(f"Update applied. Data version {store.version}.", 200)


def _update_text() -> str | Response:
    """The update string of a SPARQL Protocol update request, or the 4xx response explaining why not."""
    if request.mimetype == UPDATE_MEDIA_TYPE:
        try:
            return request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            return _text("The update is not valid UTF-8.", 400)
    if request.mimetype != FORM_MEDIA_TYPE:
        return _text(f"Send the update as {UPDATE_MEDIA_TYPE} or as the form field 'update' ({FORM_MEDIA_TYPE}).", 415)
    updates = request.form.getlist("update")
    if len(updates) != 1:
        return _text("Expected exactly one 'update' parameter.", 400)
    if "query" in request.form:
        return _text("A request carries either 'query' or 'update', not both.", 400)
    if request.form.getlist("using-graph-uri") or request.form.getlist("using-named-graph-uri"):
        return _text("'using-graph-uri' and 'using-named-graph-uri' are not supported: use USING in the update.", 400)
    return updates[0]


def _sparql_update() -> Response:
    refused = _refuse_unless_authorised(404 if request.path == "/update" else 405)
    if refused is not None:
        return refused
    update = _update_text()
    if isinstance(update, Response):
        return update
    try:
        check_remote_access(update, current_app.extensions["oversight.settings"].update_remote_hosts)
    except RefusedUpdate as err:
        return _text(f"Update refused: {err}", 400)
    return _apply(update)


@bp.post("/update")
def update_endpoint() -> Response:
    return _sparql_update()


@bp.before_app_request
def _updates_posted_to_sparql() -> Response | None:
    # The SPARQL Protocol lets clients POST updates to the query endpoint; take them before the
    # read-only /sparql view sees them, so that view never has to know about writes.
    if request.path != "/sparql" or request.method != "POST":
        return None
    if request.mimetype == UPDATE_MEDIA_TYPE or (request.mimetype == FORM_MEDIA_TYPE and "update" in request.form):
        return _sparql_update()
    return None


@bp.route("/sparql/graph", methods=["PUT", "POST", "DELETE"])
def graph_store_write() -> Response:
    refused = _refuse_unless_authorised(405)
    if refused is not None:
        return refused
    graph = _target_graph()
    if isinstance(graph, Response):
        return graph
    store = current_app.extensions["oversight.store"]
    existed = graph is None or store.oxigraph.contains_named_graph(ox.NamedNode(graph))
    if request.method == "DELETE":
        if not existed:
            return _text(f"No graph <{graph}> in this store.", 404)
        response = _apply(graph_update("DELETE", graph))
    else:
        triples = _posted_triples(graph)
        if isinstance(triples, Response):
            return triples
        response = _apply(graph_update(request.method, graph, triples))
    if response.status_code == 200:
        return Response(status=204 if existed else 201)
    return response


def _target_graph() -> str | None | Response:
    """The graph named by `?graph=IRI` or `?default` (None), or a 400 response."""
    graphs = request.args.getlist("graph")
    if ("default" in request.args) == bool(graphs) or len(graphs) > 1:
        return _text("Name exactly one graph: '?graph=IRI' or '?default'.", 400)
    if not graphs:
        return None
    try:
        node = ox.NamedNode(graphs[0])
    except ValueError:
        return _text(f"Not an absolute IRI: {graphs[0]!r}", 400)
    return node.value


def _posted_triples(graph: str | None) -> list[ox.Triple] | Response:
    fmt = by_name(request.mimetype, GRAPH_FORMATS) if request.mimetype else None
    if fmt is None or fmt.serializer.supports_datasets:
        offered = ", ".join(f.media_type for f in GRAPH_FORMATS if not f.serializer.supports_datasets)
        return _text(f"Send one graph as one of: {offered}.", 415)
    try:
        return [q.triple for q in ox.parse(request.get_data(), format=fmt.serializer, base_iri=graph)]
    except SyntaxError as err:
        # Also the answer to external XML entities and remote JSON-LD contexts, which the parser refuses.
        return _text(f"Malformed {fmt.name} data: {str(err).splitlines()[0]}", 400)
