"""Resolvable IRIs (Cool URIs, 303 pattern): /id/X -> 303 -> /doc/X, negotiated or by extension.

    /id/{path}             303 See Other to /doc/{path} (404 if the graph knows nothing of it)
    /doc/{path}[.ext]      the description of {base}/id/{path}: HTML or any graph format
    /data/{graph}[.ext]    a named graph: HTML page about it, or its whole content as RDF
    /def/oversight[.ext]   the ontology: HTML documentation, or the Turtle etc. (hash IRIs land here)
"""

from __future__ import annotations

from typing import Callable, Iterable

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from . import dataset, ontology_doc, statements, urls
from .describe import Description, describe, graph_quads
from .formats import GRAPH_FORMATS, HTML, Format, by_name, negotiate
from .namespaces import DATA_BASE, OG, ONTOLOGY_IRI, PREFIXES
from .present import Labeller, inverse_rows, property_rows, types_of

bp = Blueprint("linkeddata", __name__)

PAGE_FORMATS: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)
FOAF_PERSON = PREFIXES["foaf"] + "Person"
SCHEMA_PERSON = PREFIXES["schema"] + "Person"
OWL_VERSION_IRI = ox.NamedNode(PREFIXES["owl"] + "versionIRI")


def split_extension(path: str) -> tuple[str, Format | None]:
    """`person/x.ttl` -> (`person/x`, turtle); paths without a known extension are left alone."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext:
        fmt = by_name(ext, PAGE_FORMATS)
        if fmt is not None and fmt.extension == ext:
            return stem, fmt
    return path, None


def choose_format(explicit: Format | None) -> Format | None:
    return explicit or negotiate(request.headers.get("Accept"), PAGE_FORMATS, request.args.get("format"))


def rdf_response(quads: list[ox.Quad], fmt: Format) -> Response:
    """Quads in `fmt`; triple formats get the triples (graph names are kept where the format can)."""
    data: Iterable = quads if fmt.serializer.supports_datasets else dict.fromkeys(
        ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    body = ox.serialize(data, format=fmt.serializer, prefixes=PREFIXES)
    return Response(body, content_type=fmt.content_type)


def alternates(path: str) -> list[tuple[Format, str]]:
    return [(fmt, f"{request.script_root}{path}.{fmt.extension}") for fmt in PAGE_FORMATS]


def negotiated(path: str, explicit: Format | None, quads: Callable[[], list[ox.Quad]],
               html: Callable[[], str]) -> Response:
    """The shared tail of every document route: pick a format, render, and say it varies by Accept."""
    fmt = choose_format(explicit)
    if fmt is None:
        response = Response("No acceptable format. Offered: " + ", ".join(f.media_type for f in PAGE_FORMATS) + "\n",
                            status=406, mimetype="text/plain")
        response.vary.add("Accept")
        return response
    make = (lambda: Response(html(), content_type=HTML.content_type)) if fmt is HTML else (lambda: rdf_response(quads(), fmt))
    response = dataset.cacheable(current_app.extensions["oversight.store"], f"{path}.{fmt.extension}", make)
    response.headers["Content-Location"] = f"{request.script_root}{path}.{fmt.extension}"
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{f.media_type}"' for f, href in alternates(path))
    return response


def described(rest: str) -> Description:
    """The description of {base}/id/{rest}, or 404 when the graph knows nothing of it."""
    node = urls.valid_iri(urls.data_iri(f"/id/{rest}"))
    desc = describe(current_app.extensions["oversight.store"], node.value) if node is not None else None
    if desc is None or not desc.found:
        abort(404)
    return desc


@bp.get("/id/<path:rest>")
def resource_iri(rest: str) -> Response:
    described(rest)
    return redirect(urls.absolute(f"/doc/{rest}"), code=303)


@bp.get("/doc/<path:rest>")
def resource_document(rest: str) -> Response:
    rest, explicit = split_extension(rest)
    desc = described(rest)
    return negotiated(f"/doc/{rest}", explicit, desc.quads, lambda: render_resource(desc, f"/doc/{rest}"))


@bp.get("/data/<path:rest>")
def named_graph(rest: str) -> Response:
    rest, explicit = split_extension(rest)
    store = current_app.extensions["oversight.store"]
    iri = urls.data_iri(f"/data/{rest}")
    if iri not in store.named_graphs():
        abort(404)
    desc = describe(store, iri)
    return negotiated(f"/data/{rest}", explicit, lambda: graph_quads(store, iri),
                      lambda: render_resource(desc, f"/data/{rest}", graph_size=len(graph_quads(store, iri))))


@bp.get("/def/oversight")
@bp.get("/def/oversight.<ext>")
@bp.get("/def/oversight/<version>")
def ontology(ext: str | None = None, version: str | None = None) -> Response:
    """The ontology (current or, at its owl:versionIRI, the version this service holds)."""
    store = current_app.extensions["oversight.store"]
    if version is not None:
        version_iri = ox.NamedNode(f"{ONTOLOGY_IRI}/{version}")
        if not any(store.oxigraph.quads_for_pattern(ox.NamedNode(ONTOLOGY_IRI), OWL_VERSION_IRI, version_iri, None)):
            abort(404)
    explicit = None
    if ext is not None:
        explicit = by_name(ext, PAGE_FORMATS)
        if explicit is None or explicit.extension != ext:
            abort(404)
    return negotiated("/def/oversight", explicit, lambda: graph_quads(store, ONTOLOGY_IRI),
                      lambda: render_template("ontology.html", doc=ontology_doc.build(store),
                                              alternates=alternates("/def/oversight")))


def archived_text_path(store, iri: str) -> str | None:
    """The readable source text page of a document (or of an archived text) that has one."""
    for prefix in (statements.DOCUMENT_PREFIX, f"{DATA_BASE}/id/text/"):
        if iri.startswith(prefix):
            key = iri[len(prefix):]
            text = urls.valid_iri(f"{DATA_BASE}/id/text/{key}")
            if text is not None and any(store.oxigraph.quads_for_pattern(text, ox.NamedNode(str(OG.content)), None, None)):
                return f"{request.script_root}/text/{key}"
    return None


def render_resource(desc, path: str, graph_size: int | None = None) -> str:
    store = current_app.extensions["oversight.store"]
    label = Labeller(store)
    iri = desc.subject.value
    types = types_of(desc.forward, desc.subject, label)
    is_person = any(t.iri in (FOAF_PERSON, SCHEMA_PERSON) for t in types)
    return render_template(
        "resource.html", iri=iri, title=label(iri), types=types,
        rows=property_rows(desc.forward, desc.subject, label),
        inverse=inverse_rows(desc.inverse, label),
        said_by=statements.for_resource(store, label, speaker=iri) if is_person or types else [],
        said_about=statements.for_resource(store, label, about=iri),
        from_source=statements.for_resource(store, label, source=iri) if iri.startswith(statements.DOCUMENT_PREFIX) else [],
        alternates=alternates(path), graph_size=graph_size, data_base=DATA_BASE,
        archived_text=archived_text_path(store, iri),
    )
