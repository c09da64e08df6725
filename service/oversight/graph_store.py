"""Graph Store HTTP Protocol reads (https://www.w3.org/TR/sparql11-http-rdf-update/):
GET/HEAD /sparql/graph?graph=IRI for one named graph, ?default for the default graph (here, as in
queries, the union of all graphs). Writes belong to the write feature, not to this module."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from .conditional import etag_for, not_modified, stamp
from .formats import GRAPH_FORMATS, Format
from .protocol import choose_format
from .queries import load_query
from .sparql import not_acceptable, plain, store
from .store import Store

bp = Blueprint("graph_store", __name__)


@bp.get("/sparql/graph")
def read_graph() -> Response:
    graphs, default = request.args.getlist("graph"), "default" in request.args
    if len(graphs) + default != 1:
        return plain(400, "Name exactly one graph: ?graph=IRI or ?default")
    data = store()
    name = graphs[0] if graphs else None
    if name is not None:
        try:
            node = ox.NamedNode(name)
        except ValueError as err:
            return plain(400, f"'graph' is not an absolute IRI: {name!r} ({err})")
        if not data.contains_named_graph(node.value):
            return plain(404, f"No graph named <{name}> in this store")
    fmt = choose_format(request, GRAPH_FORMATS)
    if fmt is None:
        return not_acceptable(GRAPH_FORMATS)
    etag = etag_for(data, "graph-store", name or "", fmt.name)
    if cached := not_modified(request, data, etag):
        return cached
    return stamp(Response(graph_bytes(data, name, fmt), content_type=fmt.content_type), data, etag)


def graph_bytes(data: Store, name: str | None, fmt: Format) -> bytes:
    """One named graph (dataset formats keep its name), or the union default graph for None."""
    if name is None:
        return data.query(load_query("union-graph")).serialize(format=fmt.serializer)
    quads = data.quads(name)
    if fmt.serializer.supports_datasets:
        return ox.serialize(quads, format=fmt.serializer)
    return ox.serialize((q.triple for q in quads), format=fmt.serializer)
