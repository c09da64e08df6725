"""The dataset as a whole: its VoID/DCAT description and full dumps, both cacheable.

Dumps and the description carry an ETag (the store's data version) and Last-Modified, and answer
conditional GETs with 304, so mirrors and crawlers fetch them again only when the data changed.
"""

from __future__ import annotations

import io
import threading

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request

from typing import Callable

from . import named, urls
from .conditional import cached_response
from .formats import DATASET_FORMATS, GRAPH_FORMATS, HTML, Format, by_name, negotiate
from .namespaces import DATA_BASE, PREFIXES
from .present import Labeller, property_rows
from .store import Store

bp = Blueprint("dataset", __name__)

DATASET_IRI = f"{DATA_BASE}/data/dataset"
DUMP_EXTENSIONS = ("trig", "nq", "ttl")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "Oversight Graph"
_dump_cache: dict[tuple[str, str], bytes] = {}
_dump_lock = threading.Lock()

RDF, VOID, DCAT, DCT, XSD, FOAF = (PREFIXES[p] for p in ("rdf", "void", "dcat", "dct", "xsd", "foaf"))
N = ox.NamedNode


def cacheable(store: Store, tag: str, make: Callable[[], Response]) -> Response:
    """ETag and Last-Modified from the data version (and this deployment's base, which the links
    in the body use); 304 without building the body when the client's copy is current."""
    return cached_response(request, store, (urls.public_base(), tag), make)


def dump_bytes(store: Store, fmt: Format) -> bytes:
    """The whole dataset in `fmt`, kept per data version. Turtle gets the union of all graphs."""
    key = (store.version, fmt.name)
    with _dump_lock:
        if key not in _dump_cache:
            if fmt.serializer.supports_datasets:
                out = io.BytesIO()
                store.dump(out, fmt.serializer)
                body = out.getvalue()
            else:
                triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object)
                                        for q in store.oxigraph.quads_for_pattern(None, None, None, None))
                body = ox.serialize(triples, format=fmt.serializer, prefixes=PREFIXES)
            _dump_cache.clear()  # only the current version is worth keeping
            _dump_cache[key] = body
        return _dump_cache[key]


@bp.get("/data/dump.<ext>")
def dump(ext: str) -> Response:
    fmt = by_name(ext, DATASET_FORMATS)
    if ext not in DUMP_EXTENSIONS or fmt is None:
        abort(404)
    store = current_app.extensions["oversight.store"]

    def make() -> Response:
        response = Response(dump_bytes(store, fmt), content_type=fmt.content_type)
        response.headers["Content-Disposition"] = f'inline; filename="oversight.{ext}"'
        return response
    return cacheable(store, f"dump-{fmt.name}", make)


def literal(value, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + datatype)) if datatype else ox.Literal(str(value))


def description(store: Store) -> list[ox.Triple]:
    """VoID + DCAT triples for the dataset, its graphs, endpoint and dumps."""
    ds = N(DATASET_IRI)
    counts = named.run(store, "void-counts", {})[0]
    t = [ox.Triple(ds, N(RDF + "type"), N(VOID + "Dataset")), ox.Triple(ds, N(RDF + "type"), N(DCAT + "Dataset")),
         ox.Triple(ds, N(DCT + "title"), ox.Literal("Oversight Graph", language="en")),
         ox.Triple(ds, N(DCT + "description"), ox.Literal(
             "A linked-data knowledge graph of police inspectorate oversight: forces, officials and their posts, "
             "inspections, causes of concern, recommendations, monitoring phases, source documents and who said "
             "what, when, with every fact in the named graph of the document that states it.", language="en")),
         ox.Triple(ds, N(DCT + "license"), N(LICENCE)),
         ox.Triple(ds, N(DCT + "modified"), literal(store.modified.isoformat(), "dateTime")),
         ox.Triple(ds, N(VOID + "uriSpace"), ox.Literal(f"{DATA_BASE}/id/")),
         ox.Triple(ds, N(VOID + "sparqlEndpoint"), N(urls.absolute("/sparql"))),
         ox.Triple(ds, N(VOID + "rootResource"), N(f"{DATA_BASE}/def/oversight"))]
    publisher = ox.BlankNode("publisher")
    t += [ox.Triple(ds, N(DCT + "publisher"), publisher),
          ox.Triple(publisher, N(RDF + "type"), N(FOAF + "Organization")),
          ox.Triple(publisher, N(FOAF + "name"), ox.Literal(PUBLISHER))]
    for name, prop in (("triples", "triples"), ("entities", "entities"), ("classes", "classes"),
                       ("properties", "properties"), ("distinctSubjects", "distinctSubjects"),
                       ("distinctObjects", "distinctObjects")):
        t.append(ox.Triple(ds, N(VOID + prop), literal(counts[name].value, "integer")))
    namespaces = {ns for row in named.run(store, "void-terms", {}) for ns in PREFIXES.values()
                  if isinstance(row["term"], ox.NamedNode) and row["term"].value.startswith(ns)}
    t += [ox.Triple(ds, N(VOID + "vocabulary"), N(ns)) for ns in sorted(namespaces)]
    for ext in DUMP_EXTENSIONS:
        fmt = by_name(ext, DATASET_FORMATS)
        url = N(urls.absolute(f"/data/dump.{ext}"))
        dist = ox.BlankNode(f"dump-{ext}")
        t += [ox.Triple(ds, N(VOID + "dataDump"), url), ox.Triple(ds, N(DCAT + "distribution"), dist),
              ox.Triple(dist, N(RDF + "type"), N(DCAT + "Distribution")),
              ox.Triple(dist, N(DCAT + "downloadURL"), url),
              ox.Triple(dist, N(DCAT + "mediaType"), N(f"https://www.iana.org/assignments/media-types/{fmt.media_type}"))]
    service = ox.BlankNode("sparql")
    t += [ox.Triple(ds, N(DCAT + "distribution"), service),
          ox.Triple(service, N(RDF + "type"), N(DCAT + "DataService")),
          ox.Triple(service, N(DCAT + "endpointURL"), N(urls.absolute("/sparql")))]
    for row in named.run(store, "stats-graphs", {}):
        subset = row["graph"]
        t += [ox.Triple(ds, N(VOID + "subset"), subset), ox.Triple(subset, N(RDF + "type"), N(VOID + "Dataset")),
              ox.Triple(subset, N(VOID + "triples"), literal(row["triples"].value, "integer"))]
    return t


@bp.get("/.well-known/void")
def void() -> Response:
    store = current_app.extensions["oversight.store"]
    offered = (*GRAPH_FORMATS, HTML)  # machines (*/* or no Accept) get Turtle; browsers name text/html
    fmt = negotiate(request.headers.get("Accept"), offered, request.args.get("format"))
    if fmt is None:
        return Response("No acceptable format\n", status=406, mimetype="text/plain")
    def make() -> Response:
        triples = description(store)
        if fmt is HTML:
            quads = [ox.Quad(tr.subject, tr.predicate, tr.object) for tr in triples]
            body = render_template("void.html", rows=property_rows(quads, N(DATASET_IRI), Labeller(store)),
                                   dataset=DATASET_IRI,
                                   alternates=[(f, f"{request.base_url}?format={f.name}") for f in offered])
            return Response(body, content_type=HTML.content_type)
        data = [ox.Quad(tr.subject, tr.predicate, tr.object) for tr in triples] if fmt.serializer.supports_datasets else triples
        return Response(ox.serialize(data, format=fmt.serializer, prefixes=PREFIXES), content_type=fmt.content_type)
    return cacheable(store, f"void-{fmt.name}", make)
