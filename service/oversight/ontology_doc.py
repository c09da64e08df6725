"""The ontology's HTML documentation, generated from its own triples (the graph {base}/def/oversight).

Each class and property gets an entry whose anchor is its local name, so the hash IRI
{base}/def/oversight#Term lands on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import ONTOLOGY_IRI, PREFIXES
from .present import Labeller, Term, term
from .store import Store

OWL, RDFS, SKOS, RDF, DCT = (PREFIXES[p] for p in ("owl", "rdfs", "skos", "rdf", "dct"))
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property"}


@dataclass
class Entry:
    anchor: str
    iri: str
    label: str
    kind: str
    definition: str | None
    details: list[tuple[str, list[Term]]] = field(default_factory=list)


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str | None
    metadata: list[tuple[str, list[Term]]]
    classes: list[Entry]
    properties: list[Entry]


def build(store: Store) -> OntologyDoc:
    graph = ox.NamedNode(ONTOLOGY_IRI)
    quads = list(store.oxigraph.quads_for_pattern(None, None, None, graph))
    by_subject: dict[ox.NamedNode, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject, []).append(q)
    label = Labeller(store)

    def values(subject, prop: str) -> list:
        return [q.object for q in by_subject.get(subject, []) if q.predicate.value == prop]

    def first_text(subject, *props: str) -> str | None:
        for prop in props:
            for value in values(subject, prop):
                if isinstance(value, ox.Literal) and value.language in (None, "en"):
                    return value.value
        return None

    def entry(subject, kind: str, detail_props: list[tuple[str, str]]) -> Entry:
        details = [(name, [term(v, label) for v in values(subject, prop)]) for name, prop in detail_props]
        return Entry(subject.value.rsplit("#", 1)[-1], subject.value, label(subject.value), kind,
                     first_text(subject, SKOS + "definition", RDFS + "comment"), [d for d in details if d[1]])

    classes, properties = [], []
    for subject, sq in by_subject.items():
        types = {q.object.value for q in sq if q.predicate.value == RDF + "type"}
        if not subject.value.startswith(ONTOLOGY_IRI + "#"):
            continue
        if types & CLASS_TYPES:
            classes.append(entry(subject, "class", [("subclass of", RDFS + "subClassOf"),
                                                    ("equivalent to", OWL + "equivalentClass")]))
        elif types & PROPERTY_TYPES:
            kind = next(t.rsplit("#", 1)[-1] for t in sorted(types & PROPERTY_TYPES))
            properties.append(entry(subject, kind, [("domain", RDFS + "domain"), ("range", RDFS + "range"),
                                                    ("subproperty of", RDFS + "subPropertyOf"),
                                                    ("inverse of", OWL + "inverseOf")]))
    ontology = ox.NamedNode(ONTOLOGY_IRI)
    metadata = [(name, [term(v, label) for v in values(ontology, prop)])
                for name, prop in [("version", OWL + "versionInfo"), ("licence", DCT + "license"),
                                   ("publisher", DCT + "publisher"), ("modified", DCT + "modified")]]
    return OntologyDoc(ONTOLOGY_IRI, first_text(ontology, DCT + "title") or "Ontology",
                       first_text(ontology, DCT + "description"), [m for m in metadata if m[1]],
                       sorted(classes, key=lambda e: e.anchor), sorted(properties, key=lambda e: e.anchor))
