"""A SHACL validation report that both engines produce and every caller reads.

One `Result` per problem (focus node, path, value, message, severity, shape, the named graphs the
focus node is described in); a `Report` renders them as readable text grouped by shape, as an
`sh:ValidationReport` (Turtle, JSON-LD) and as plain JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Identifier, Node

from .namespaces import PREFIXES

OGSH = Namespace("https://w3id.org/oversight/def/shapes#")
# Not a SHACL term: where the focus node is described, so a curator knows which file to fix.
SOURCE_GRAPH = OGSH.sourceGraph

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
REPORT_FORMATS = ("text", "turtle", "json-ld", "json")


@dataclass(frozen=True)
class Result:
    """One validation result. `shape` is the node shape (the named shape a property shape belongs to)."""

    focus: Identifier
    shape: Identifier
    severity: URIRef
    component: URIRef
    message: str
    path: str | None = None  # SPARQL property path syntax, prefixed (og:speaker, ^og:occurrence)
    value: Node | None = None
    graphs: tuple[str, ...] = field(default=(), compare=False)

    def key(self) -> tuple:
        """What identifies a result across engines (messages and graphs may be worded differently)."""
        return (self.focus, self.shape, self.path, self.value, self.severity, self.component)

    @property
    def severity_name(self) -> str:
        return str(self.severity).rsplit("#", 1)[-1]

    def as_json(self) -> dict:
        return {
            "focusNode": _plain(self.focus),
            "shape": _plain(self.shape),
            "path": self.path,
            "value": None if self.value is None else _plain(self.value),
            "message": self.message,
            "severity": self.severity_name,
            "constraintComponent": _plain(self.component),
            "sourceGraphs": list(self.graphs),
        }


@dataclass
class Report:
    """The outcome of validating a dataset: conforms when no result is a violation."""

    results: list[Result]
    engine: str = "fast"
    seconds: float = 0.0
    focus_nodes: int | None = None  # how many nodes an incremental validation looked at

    def __post_init__(self) -> None:
        self.results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), str(r.shape), str(r.focus),
                                         r.path or "", str(r.value)))

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == SH.Violation]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != SH.Violation]

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "does NOT conform"
        return (f"{verdict}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
                f"[{self.engine} engine, {self.seconds:.2f} s]")

    def text(self) -> str:
        """A readable report grouped by shape: what is wrong, where, and in which document graph."""
        lines = [f"Validation {self.summary()}"]
        groups: dict[tuple, list[Result]] = defaultdict(list)
        for result in self.results:
            groups[(result.shape, result.severity)].append(result)
        for (shape, severity), results in groups.items():
            lines.append("")
            lines.append(f"{_short(shape)} - {len(results)} {str(severity).rsplit('#', 1)[-1].lower()}(s)")
            for r in results:
                where = f" path {r.path}" if r.path else ""
                value = f" value {_short(r.value)}" if r.value is not None else ""
                lines.append(f"  focus {_short(r.focus)}{where}{value}")
                lines.append(f"    {r.message}")
                if r.graphs:
                    lines.append(f"    in graph {', '.join(_short(URIRef(g)) for g in r.graphs)}")
        return "\n".join(lines) + "\n"

    def graph(self) -> Graph:
        """The report as an sh:ValidationReport."""
        g = Graph()
        for prefix in ("sh", "og", "schema", "xsd", "rdf", "oa", "org", "prov", "dct", "skos"):
            g.bind(prefix, PREFIXES[prefix])
        g.bind("ogsh", OGSH)
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, r.focus))
            g.add((node, SH.sourceShape, r.shape))
            g.add((node, SH.resultSeverity, r.severity))
            g.add((node, SH.sourceConstraintComponent, r.component))
            g.add((node, SH.resultMessage, Literal(r.message)))
            if r.path is not None:
                g.add((node, SH.resultPath, _path_node(g, r.path)))
            if r.value is not None:
                g.add((node, SH.value, r.value))
            for graph in r.graphs:
                g.add((node, SOURCE_GRAPH, URIRef(graph)))
        return g

    def json(self) -> dict:
        return {"conforms": self.conforms, "engine": self.engine, "seconds": round(self.seconds, 3),
                "violations": len(self.violations), "warnings": len(self.warnings),
                "results": [r.as_json() for r in self.results]}

    def serialize(self, fmt: str) -> str:
        """The report as `text`, `turtle`, `json-ld` (the sh:ValidationReport) or `json`."""
        if fmt == "text":
            return self.text()
        if fmt == "json":
            return json.dumps(self.json(), indent=2) + "\n"
        if fmt in ("turtle", "json-ld"):
            return self.graph().serialize(format=fmt)
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}")


def _plain(term: Node) -> str:
    return str(term) if isinstance(term, (URIRef, BNode)) else term.n3()


def _short(term: Node | None) -> str:
    """A term as a curator writes it: prefixed name where a prefix fits, else <IRI> or "literal"."""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in (("ogsh", str(OGSH)), *PREFIXES.items()):
            if text.startswith(ns) and "/" not in text[len(ns):] and "#" not in text[len(ns):]:
                return f"{prefix}:{text[len(ns):]}"
        return f"<{text}>"
    if isinstance(term, Literal):
        shown = term.n3()
        return shown if len(shown) < 120 else shown[:117] + "..."
    return str(term)


def short_path(path: URIRef | Node, *graphs: Graph) -> str:
    """A SHACL path (an IRI, or sh:inversePath of one, described in one of `graphs`) in SPARQL
    property-path syntax."""
    if isinstance(path, URIRef):
        return _short(path)
    for graph in graphs:
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return "^" + _short(inverse)
    raise ValueError(f"unsupported SHACL path {path!r}: use an IRI or sh:inversePath of one")


def _path_node(g: Graph, path: str) -> Node:
    inverse = path.startswith("^")
    name = path[1:] if inverse else path
    iri = URIRef(g.namespace_manager.expand_curie(name) if not name.startswith("<") else name[1:-1])
    if not inverse:
        return iri
    node = BNode()
    g.add((node, SH.inversePath, iri))
    return node
