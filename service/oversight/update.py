"""Writes: SPARQL 1.1 Update (`POST /update`, or `POST /sparql` with an update) and Graph Store
Protocol writes (`PUT`/`POST`/`DELETE /sparql/graph?graph=IRI` or `?default`).

Writes exist only when the operator configured a write token, need that token as a bearer token
(checked before the body is read), and pass the SHACL gate (write_gate.py). Requests are read by
protocol.py, as queries are. Posted RDF is parsed by pyoxigraph, which refuses external XML entities
and remote JSON-LD contexts; bodies past the size limit get 413.
"""

from __future__ import annotations

from functools import partial

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from . import auth
from .formats import GRAPH_FORMATS, by_name
from .protocol import ProtocolError, UpdateRequest, query_error, read_operation
from .query_text import with_using
from .sparql import UPDATE_HANDLER, endpoint_url, plain, settings, store
from .remote_access import RemoteAccessRefused, check_remote_access
from .validation import validate_added_graph, validate_store
from .write_gate import gated_update, graph_update

bp = Blueprint("update", __name__)

READ_ONLY = "Writes are disabled: this server is read-only (no write token is configured)"


def init_app(app: Flask) -> None:
    """Serve writes; updates POSTed to /sparql come here only when writes are enabled."""
    app.register_blueprint(bp)
    if app.extensions["oversight.settings"].write_token:
        app.extensions[UPDATE_HANDLER] = run_update


def _refusal(disabled_status: int) -> Response | None:
    """None when the request may write; otherwise the response to send."""
    token = settings().write_token
    if not token:
        return plain(disabled_status, READ_ONLY, **({"Allow": "GET, HEAD"} if disabled_status == 405 else {}))
    if not auth.is_authorised(request, token):
        return auth.unauthorised()
    return None


@bp.post("/update")
def update_endpoint() -> Response:
    if (refused := _refusal(404)) is not None:
        return refused
    try:
        operation = read_operation(request)
    except ProtocolError as err:
        return plain(err.status, err.message)
    if not isinstance(operation, UpdateRequest):
        return plain(400, "This endpoint takes SPARQL updates ('update' parameter or application/sparql-update); "
                          "queries go to /sparql")
    return run_update(operation)


def run_update(operation: UpdateRequest) -> Response:
    """An authorised SPARQL Protocol update, checked for remote access, through the SHACL gate."""
    if (refused := _refusal(405)) is not None:
        return refused
    update = operation.with_base(endpoint_url())
    if operation.using_graphs or operation.using_named_graphs:
        update = with_using(update, operation.using_graphs, operation.using_named_graphs)
    try:
        check_remote_access(update, settings().remote_hosts)
    except RemoteAccessRefused as err:
        return plain(400, f"Update refused: {err}")
    return _apply(update)


def _apply(update: str, added_graph: str | None = None) -> Response:
    """Run one update through the SHACL gate and say what happened.

    An update that only adds to the named graph `added_graph` (a Graph Store POST, or a PUT that
    creates the graph: how a document arrives) is validated on the nodes it touches, in time
    proportional to that graph (validation.validate_added_graph); any other update, which may also
    remove what other nodes rely on, is validated on the whole graph."""
    data, config = store(), settings()
    if added_graph is not None:
        validate = partial(validate_added_graph, graph=added_graph, shapes_dir=config.shapes_dir)
    else:
        validate = partial(validate_store, shapes_dir=config.shapes_dir, ontology_dir=config.ontology_dir)
    try:
        report = gated_update(data, update, validate)
    except SyntaxError as err:
        return plain(400, f"Malformed update: {query_error(err)}")
    except OSError as err:
        return plain(400, f"Update could not be applied: {str(err).splitlines()[0] if str(err) else err}")
    if not report.conforms:
        return plain(422, "Write rejected: the result would not conform to the shapes; nothing was changed.\n\n"
                     + report.text())
    return plain(200, f"Update applied. Data version {data.version}.")


@bp.route("/sparql/graph", methods=["PUT", "POST", "DELETE"])
def graph_store_write() -> Response:
    if (refused := _refusal(405)) is not None:
        return refused
    graph = _target_graph()
    if isinstance(graph, Response):
        return graph
    existed = graph is None or store().oxigraph.contains_named_graph(ox.NamedNode(graph))
    if request.method == "DELETE":
        if not existed:
            return plain(404, f"No graph named <{graph}> in this store")
        response = _apply(graph_update("DELETE", graph))
    else:
        triples = _posted_triples(graph)
        if isinstance(triples, Response):
            return triples
        adds_only = graph is not None and (request.method == "POST" or not existed)
        response = _apply(graph_update(request.method, graph, triples), added_graph=graph if adds_only else None)
    if response.status_code == 200:
        return Response(status=204 if existed else 201)
    return response


def _target_graph() -> str | None | Response:
    """The graph named by `?graph=IRI` or `?default` (None), or a 400 response."""
    graphs = request.args.getlist("graph")
    if len(graphs) + ("default" in request.args) != 1:
        return plain(400, "Name exactly one graph: ?graph=IRI or ?default")
    if not graphs:
        return None
    try:
        return ox.NamedNode(graphs[0]).value
    except ValueError as err:
        return plain(400, f"'graph' is not an absolute IRI: {graphs[0]!r} ({err})")


def _posted_triples(graph: str | None) -> list[ox.Triple] | Response:
    quads = posted_quads(graph)
    if isinstance(quads, Response):
        return quads
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        return plain(400, "The body names graphs of its own: send the triples of one graph")
    return [q.triple for q in quads]


def posted_quads(base_iri: str | None = None) -> list[ox.Quad] | Response:
    """The RDF posted in the request body, parsed by its Content-Type (any of GRAPH_FORMATS), or the
    415/400 response to send. Also used by POST /shacl (shacl_http.py)."""
    fmt = by_name(request.mimetype, GRAPH_FORMATS) if request.mimetype else None
    if fmt is None:
        return plain(415, f"Send the graph as one of: {', '.join(f.media_type for f in GRAPH_FORMATS)}")
    try:
        return list(ox.parse(request.get_data(), format=fmt.serializer, base_iri=base_iri))
    except SyntaxError as err:
        # Also the answer to external XML entities and remote JSON-LD contexts, which the parser refuses.
        return plain(400, f"Malformed {fmt.name} data: {str(err).splitlines()[0]}")
