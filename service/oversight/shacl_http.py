"""Validation as a service (as Fuseki's /shacl): `POST /shacl` validates a posted graph against the
project's shapes together with the current data; `GET /shacl` returns the shapes.

Read-only: the posted graphs replace the graphs of the same name (default-graph triples go into
POSTED_GRAPH) in a throwaway snapshot of the store (scratch.on_snapshot), never in the store itself. Only the nodes
the posted data touches are validated (validation.focus_of_graph), with the fast engine, so the answer
is about the posted data and costs time in proportion to it, not to the whole graph.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from .formats import GRAPH_FORMATS, Format
from .protocol import choose_format
from .scratch import on_snapshot
from .sparql import not_acceptable, settings, store
from .store import Store
from .update import posted_quads
from .validation import Report, focus_of_graph, shapes_text, validate_store

bp = Blueprint("shacl_http", __name__)

POSTED_GRAPH = "urn:oversight:shacl:posted"
# The Report's plain JSON; listed before JSON-LD so `application/json` selects it (formats.by_name).
REPORT_JSON = Format("json", ("application/json",), "json", None)
REPORT_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS[:3], REPORT_JSON, *GRAPH_FORMATS[3:])


@bp.post("/shacl")
def validate_posted() -> Response:
    quads = posted_quads()
    if isinstance(quads, Response):
        return quads
    fmt = choose_format(request, REPORT_FORMATS)
    if fmt is None:
        return not_acceptable(REPORT_FORMATS)
    report = validate_with(quads)
    if fmt is REPORT_JSON:
        return Response(report.serialize("json"), content_type="application/json")
    return Response(report_bytes(report, fmt), content_type=fmt.content_type)


def validate_with(quads: list[ox.Quad]) -> Report:
    """Validate `quads` as if they replaced the graphs they name in the current data."""
    posted = [q if not isinstance(q.graph_name, ox.DefaultGraph)
              else ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(POSTED_GRAPH)) for q in quads]
    graphs = {q.graph_name for q in posted}
    config = settings()

    def replace(scratch: Store) -> None:
        for graph in graphs:
            scratch.oxigraph.remove_graph(graph)
        scratch.oxigraph.extend(posted)

    def validate(scratch: Store) -> Report:
        focus = {node for graph in graphs for node in focus_of_graph(scratch, graph.value)}
        return validate_store(scratch, engine="fast", focus=focus,
                              shapes_dir=config.shapes_dir, ontology_dir=config.ontology_dir)

    return on_snapshot(store(), replace, validate)


def report_bytes(report: Report, fmt: Format) -> bytes:
    """The sh:ValidationReport in any graph format (built by rdflib, written by pyoxigraph)."""
    triples = ox.parse(report.graph().serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=fmt.serializer)


@bp.get("/shacl")
def shapes() -> Response:
    fmt = choose_format(request, GRAPH_FORMATS)
    if fmt is None:
        return not_acceptable(GRAPH_FORMATS)
    triples = [q.triple for path, text in shapes_text(settings().shapes_dir)
               for q in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())]
    return Response(ox.serialize(triples, format=fmt.serializer), content_type=fmt.content_type)
