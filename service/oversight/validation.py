"""Validate the graph against the project's SHACL shapes (shapes/*.ttl) with the ontology as ont_graph.

Two engines give the same verdict: `pyshacl` (the reference: pySHACL over a plain in-memory rdflib
copy of the data, never over the Oxigraph store, and with a fresh shapes graph per run because a
shapes graph must not be shared across threads) and `fast` (the shapes compiled to SPARQL and run
on pyoxigraph directly; see shacl_fast.py), which also validates incrementally.

Named graphs matter to two rules (a document graph carries its provenance; a document does not
report an event dated after itself), but SHACL sees one data graph. So both engines see a *view*
of the dataset: every document graph G is typed `ogsh:DocumentGraph`, and every node typed in G is
`ogsh:reportedIn` the document G describes. pySHACL gets those triples materialised; the fast
engine rewrites them into GRAPH patterns. They are never stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .namespaces import DOCUMENT_GRAPH_PREFIX, OG, ONTOLOGY_IRI
from .shacl_report import OGSH, REPORT_FORMATS, Report, Result, short_path
from .store import RdfSource, Store

__all__ = ["Report", "Result", "REPORT_FORMATS", "ENGINES", "validate_store", "validate_files",
           "store_for_files", "shapes_graph", "default_dirs"]

ENGINES = ("fast", "pyshacl")
DOCUMENT_GRAPH = OGSH.DocumentGraph
REPORTED_IN = OGSH.reportedIn


def default_dirs() -> tuple[Path, Path]:
    """(shapes_dir, ontology_dir) of the configured deployment."""
    from .config import Settings

    settings = Settings()
    return settings.shapes_dir, settings.ontology_dir


def shapes_text(shapes_dir: Path | None = None) -> list[tuple[Path, str]]:
    shapes_dir = shapes_dir or default_dirs()[0]
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    return [(p, p.read_text(encoding="utf-8")) for p in files]


def shapes_graph(shapes_dir: Path | None = None) -> Graph:
    """A fresh rdflib graph of every shapes file (pySHACL may annotate it; never share one)."""
    graph = Graph()
    for path, text in shapes_text(shapes_dir):
        graph.parse(data=text, format="turtle", publicID=path.as_uri())
    return graph


_compiled: dict[tuple, tuple] = {}


def compiled_shapes(shapes_dir: Path | None = None) -> tuple[Graph, tuple]:
    """The shapes graph and its compiled checks for the fast engine, parsed once per version of the
    files (parsing takes longer than validating one document). The fast engine only reads them."""
    from .shacl_fast import compile_shapes

    files = shapes_text(shapes_dir)
    key = tuple((str(path), hash(text)) for path, text in files)
    if key not in _compiled:
        graph = Graph()
        for path, text in files:
            graph.parse(data=text, format="turtle", publicID=path.as_uri())
        _compiled.clear()
        _compiled[key] = (graph, tuple(compile_shapes(graph)))
    return _compiled[key]


def ontology_graph(ontology_dir: Path | None = None) -> Graph:
    ontology_dir = ontology_dir or default_dirs()[1]
    graph = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


# -- building the data to validate ---------------------------------------------------------------
def source_for_file(path: Path) -> RdfSource:
    """The named graph a file belongs in, by the graph_data/ layout (see loader.py)."""
    from .loader import graph_for_file

    return RdfSource(path, graph_for_file(path))


def store_for_files(paths: Sequence[Path], ontology_dir: Path | None = None) -> Store:
    """An in-memory store of the given files, each in the graph the loader would put it in, with the
    archived texts of the documents they describe (texts/KEY.txt beside documents/) and the ontology."""
    from .loader import archived_text_quad, ontology_sources

    store = Store()
    sources = ontology_sources(ontology_dir or default_dirs()[1])
    sources += [source_for_file(Path(p)) for p in paths]
    texts = [q for p in paths if (q := archived_text_quad(Path(p))) is not None]
    store.load(sources, texts)
    return store


def with_ontology(store: Store, ontology_dir: Path | None = None) -> Store:
    from .loader import ontology_sources

    copy = Store()
    copy.load(ontology_sources(ontology_dir or default_dirs()[1]), list(store.oxigraph))
    return copy


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    # A plain literal and an xsd:string one are the same RDF 1.1 term; rdflib tells them apart.
    return Literal(term.value) if datatype == str(XSD.string) else Literal(term.value, datatype=URIRef(datatype))


def rdflib_view(store: Store) -> Graph:
    """The union of every graph but the ontology, plus the view triples (see the module doc)."""
    graph = Graph()
    add = graph.add
    for quad in store.oxigraph:
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == ONTOLOGY_IRI:
            continue
        add((to_rdflib(quad.subject), URIRef(quad.predicate.value), to_rdflib(quad.object)))
    view = store.query(
        "SELECT DISTINCT ?g ?s ?doc WHERE { GRAPH ?g { ?g <%s> ?doc . OPTIONAL { ?s a ?type } } }"
        % OG.describesDocument, union_default_graph=False)
    for row in view:
        add((URIRef(row["g"].value), RDF.type, DOCUMENT_GRAPH))
        if row["s"] is not None:
            add((to_rdflib(row["s"]), REPORTED_IN, URIRef(row["doc"].value)))
    for name in document_graphs(store):
        add((URIRef(name), RDF.type, DOCUMENT_GRAPH))
    return graph


def document_graphs(store: Store) -> list[str]:
    return [g for g in store.named_graphs() if g.startswith(DOCUMENT_GRAPH_PREFIX)]


def graphs_describing(store: Store, node) -> tuple[str, ...]:
    """The named graphs in which `node` is a subject (where a curator would fix it)."""
    if not isinstance(node, (URIRef, BNode)):
        return ()
    subject = ox.NamedNode(str(node)) if isinstance(node, URIRef) else ox.BlankNode(str(node))
    found = {q.graph_name.value for q in store.oxigraph.quads_for_pattern(subject, None, None, None)
             if isinstance(q.graph_name, ox.NamedNode)}
    return tuple(sorted(found))


# -- the reference engine ------------------------------------------------------------------------
def _cache_rdflib_query_translation() -> None:
    """pySHACL re-parses a SHACL-SPARQL query for every focus node (37 ms each with pyparsing: 95% of
    its time here). Translated queries are immutable and reusable (rdflib's prepareQuery relies on it),
    so translate each distinct query text once per process."""
    from functools import lru_cache
    from itertools import takewhile

    from rdflib.plugins.sparql import processor

    if getattr(processor.SPARQLProcessor.query, "_oversight_cached", False):
        return
    original = processor.SPARQLProcessor.query

    @lru_cache(maxsize=1024)
    def translate(text: str, base, namespaces: tuple):
        return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces))

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            # pySHACL writes the PREFIX lines in set order, which differs between runs: sort them.
            lines = strOrQuery.split("\n")
            head = sum(1 for _ in takewhile(lambda line: line.startswith("PREFIX "), lines))
            text = "\n".join(sorted(lines[:head]) + lines[head:])
            strOrQuery = translate(text, base, tuple(sorted((initNs or {}).items())))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    query._oversight_cached = True  # type: ignore[attr-defined]
    processor.SPARQLProcessor.query = query


def validate_with_pyshacl(store: Store, shapes_dir: Path | None = None, ontology_dir: Path | None = None) -> list[Result]:
    from pyshacl import validate

    _cache_rdflib_query_translation()
    shapes = shapes_graph(shapes_dir)
    _conforms, report, _text = validate(
        rdflib_view(store), shacl_graph=shapes, ont_graph=ontology_graph(ontology_dir),
        inference="none", advanced=True, allow_warnings=True, abort_on_first=False)
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure: the shapes themselves are broken
        raise ValueError(f"pySHACL could not run the shapes: {report}")
    return [_result_from_pyshacl(report, node, shapes) for node in report.subjects(RDF.type, SH.ValidationResult)]


def _result_from_pyshacl(report: Graph, node, shapes: Graph) -> Result:
    source = report.value(node, SH.sourceShape)
    # A property shape is reported as the named node shape it belongs to (blank nodes differ per run).
    owner = shapes.value(predicate=SH.property, object=source) if isinstance(source, BNode) else None
    path = report.value(node, SH.resultPath)
    if path is None and isinstance(source, (URIRef, BNode)):
        path = shapes.value(source, SH.path)
    return Result(
        focus=report.value(node, SH.focusNode),
        shape=owner if owner is not None else source,
        severity=report.value(node, SH.resultSeverity),
        component=report.value(node, SH.sourceConstraintComponent),
        message=str(report.value(node, SH.resultMessage) or ""),
        path=short_path(path, report, shapes) if path is not None else None,
        value=report.value(node, SH.value),
    )


# -- the public interface ------------------------------------------------------------------------
def validate_store(store: Store, *, engine: str = "fast", focus: Iterable | None = None,
                   shapes_dir: Path | None = None, ontology_dir: Path | None = None) -> Report:
    """Validate everything in `store` (its ontology graph included as the ontology).

    `focus` (fast engine only) restricts validation to those nodes: what incremental validation
    of an added document uses (see validate_added_graph)."""
    started = time.perf_counter()
    if engine == "fast" and ONTOLOGY_IRI not in store.named_graphs():
        # Data served without its ontology (--data): validate a copy that has it, as pySHACL does
        # with ont_graph, so class targets see rdfs:subClassOf and og: terms their definitions.
        store = with_ontology(store, ontology_dir)
    if engine == "pyshacl":
        if focus is not None:
            raise ValueError("the pyshacl engine validates whole graphs only")
        results = validate_with_pyshacl(store, shapes_dir, ontology_dir)
        focus_count = None
    elif engine == "fast":
        from .shacl_fast import validate_fast

        focus_list = None if focus is None else list(focus)
        shapes, checks = compiled_shapes(shapes_dir)
        results = validate_fast(store, shapes, focus_list, checks)
        focus_count = None if focus_list is None else len(focus_list)
    else:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    cache: dict = {}
    located = [Result(**{**r.__dict__, "graphs": cache.setdefault(r.focus, graphs_describing(store, r.focus))})
               for r in results]
    return Report(located, engine=engine, seconds=time.perf_counter() - started, focus_nodes=focus_count)


def validate_files(paths: Sequence[Path], *, engine: str = "fast", shapes_dir: Path | None = None,
                   ontology_dir: Path | None = None) -> Report:
    """Validate RDF files as the loader would load them (raises store.LoadError if one is unreadable)."""
    store = store_for_files(paths, ontology_dir)
    return validate_store(store, engine=engine, shapes_dir=shapes_dir, ontology_dir=ontology_dir)


# -- the publishing gate -------------------------------------------------------------------------
class InvalidData(Exception):
    """The data has violations and the operator did not say --allow-invalid."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"the data has {len(report.violations)} SHACL violation(s): refusing to publish it "
                         "(fix it, or pass --allow-invalid to publish it anyway, saying so)")


def publishing_status(report: Report | None, allow_invalid: bool, reason: str | None = None) -> dict:
    """What the service says about validation (app.extensions["oversight.validation"], /readyz, pages)."""
    if report is None:
        return {"checked": False, "conforms": None, "allow_invalid": allow_invalid, "reason": reason}
    return {"checked": True, "conforms": report.conforms, "allow_invalid": allow_invalid,
            "violations": len(report.violations), "warnings": len(report.warnings),
            "engine": report.engine, "seconds": round(report.seconds, 3)}


def gate(store, allow_invalid: bool = False, *, shapes_dir: Path | None = None,
         skip: bool = False) -> tuple[Report | None, dict]:
    """Validate before publishing: raises InvalidData on violations unless `allow_invalid`;
    `skip` (benchmarks of uncurated synthetic data) publishes without validating, and says so.

    A remote SPARQL backend is not validated here (its data is loaded by its own tools); the status
    says so rather than claiming it conforms."""
    if not isinstance(store, Store):
        return None, publishing_status(None, allow_invalid, "remote SPARQL backend: validate its data before loading it")
    if skip:
        return None, publishing_status(None, True, "validation skipped by the operator (--skip-validation)")
    report = validate_store(store, shapes_dir=shapes_dir)
    if not report.conforms and not allow_invalid:
        raise InvalidData(report)
    return report, publishing_status(report, allow_invalid)


# -- incremental validation ----------------------------------------------------------------------
def focus_of_graph(store: Store, graph: str) -> list:
    """The nodes an added named graph can make (in)valid: its subjects, the IRIs it points to, and
    the graph itself (its provenance). Cross-entity rules report on these nodes, so restricting
    validation to them costs time in proportion to the document, not to the whole graph."""
    nodes: set = {URIRef(graph)}
    for quad in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        nodes.add(to_rdflib(quad.subject))
        if isinstance(quad.object, ox.NamedNode) and quad.predicate.value != str(RDF.type):
            nodes.add(URIRef(quad.object.value))
    return [n for n in nodes if isinstance(n, URIRef)]


def validate_added_graph(store: Store, graph: str, *, shapes_dir: Path | None = None) -> Report:
    """Validate what adding the named graph `graph` (already in `store`) changed, with the fast engine.

    Rules that relate the new nodes to the rest of the graph (a quote and its source's text, a
    closure and the findings it closes, a new monitoring period and the others of its force) are
    checked on the new nodes against everything in the store."""
    return validate_store(store, engine="fast", focus=focus_of_graph(store, graph), shapes_dir=shapes_dir)
