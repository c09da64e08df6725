"""Turning RDF terms into what a reader sees: labels, links, readable dates, grouped properties.

Used by every HTML page (resource pages, statements, timeline, query results), so a term looks the
same wherever it appears.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import pyoxigraph as ox

from . import urls
from .namespaces import DOCUMENT_GRAPH_PREFIX, ID, PREFIXES, REFERENCE_GRAPH
from .store import Store

XSD = PREFIXES["xsd"]
LABEL_PROPERTIES = [
    ox.NamedNode(PREFIXES["skos"] + "prefLabel"),
    ox.NamedNode(PREFIXES["rdfs"] + "label"),
    ox.NamedNode(PREFIXES["schema"] + "name"),
    ox.NamedNode(PREFIXES["dct"] + "title"),
    ox.NamedNode(PREFIXES["og"] + "text"),
    ox.NamedNode(PREFIXES["schema"] + "text"),
]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LONG_TEXT = 400


def qname(iri: str) -> str | None:
    """`og:Statement` for a term in a known namespace (the longest namespace that fits)."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None or best == str(ID):
        return None
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def readable_date(literal: ox.Literal) -> str | None:
    """`1 October 2023`, `October 2023`, `2023`: a date as precise as the data says, no more."""
    kind = literal.datatype.value[len(XSD):] if literal.datatype.value.startswith(XSD) else None
    try:
        if kind == "date":
            d = date.fromisoformat(literal.value[:10])
            return f"{d.day} {d:%B %Y}"
        if kind == "dateTime":
            d = date.fromisoformat(literal.value[:10])
            return f"{d.day} {d:%B %Y}, {literal.value[11:16]}"
        if kind == "gYearMonth":
            d = date.fromisoformat(literal.value[:7] + "-01")
            return f"{d:%B %Y}"
        if kind == "gYear":
            return literal.value[:4]
    except ValueError:
        return None
    return None


def readable_dating(given: ox.Literal | None, earliest: ox.Literal | None, latest: ox.Literal | None,
                    end: ox.Literal | None = None) -> str:
    """When something happened, as precisely as its source says: the printed date (`given`, with `end`
    for a span: "May 2024 to June 2024"), or, where the source only bounds it, "between 23 and 29 July 2024"."""
    if given is not None:
        first = readable_date(given) or given.value
        return f"{first} to {readable_date(end) or end.value}" if end is not None and end != given else first
    if earliest is None:
        return ""
    first = readable_date(earliest) or earliest.value
    last = (readable_date(latest) or latest.value) if latest is not None else None
    if last is None:
        return f"from {first}"
    return first if first == last else f"between {first} and {last}"


class Labeller:
    """Labels for IRIs, looked up once per page."""

    def __init__(self, store: Store):
        self.store = store
        self._cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        if iri not in self._cache:
            self._cache[iri] = self._lookup(iri)
        return self._cache[iri]

    def _lookup(self, iri: str) -> str:
        node = ox.NamedNode(iri)
        for prop in LABEL_PROPERTIES:
            values = [q.object for q in self.store.oxigraph.quads_for_pattern(node, prop, None, None)]
            if values:
                english = [v for v in values if isinstance(v, ox.Literal) and v.language in (None, "en")]
                text = (english or values)[0].value
                return text if len(text) <= 120 else text[:117] + "…"
        membership = self._membership_label(node)
        if membership:
            return membership
        return qname(iri) or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri

    def _membership_label(self, node: ox.NamedNode) -> str | None:
        """"Lee Freeman as HM Inspector of Constabulary" for an org:Membership without a label."""
        first = lambda prop: next((q.object for q in self.store.oxigraph.quads_for_pattern(
            node, ox.NamedNode(PREFIXES[prop[0]] + prop[1]), None, None)), None)
        member, post = first(("org", "member")), first(("og", "post"))
        if isinstance(member, ox.NamedNode) and isinstance(post, ox.NamedNode):
            return f"{self(member.value)} as {self(post.value)}"
        return None


@dataclass
class Term:
    """One RDF term ready for a template."""

    text: str
    href: str | None = None
    iri: str | None = None
    kind: str = "literal"  # iri, literal, bnode
    datatype: str | None = None
    language: str | None = None
    long: bool = False
    children: list["PropertyRow"] = field(default_factory=list)  # a blank node's own properties
    sources: list["Term"] = field(default_factory=list)  # the documents (graphs) asserting this value
    anchor: str | None = None  # for a hash IRI shown in place: its fragment, so its link lands here


@dataclass
class PropertyRow:
    predicate: Term
    values: list[Term]


def term(node, label: Labeller) -> Term:
    if isinstance(node, ox.NamedNode):
        return Term(label(node.value), urls.href(node.value), node.value, "iri")
    if isinstance(node, ox.Literal):
        datatype = qname(node.datatype.value) if node.datatype else None
        text = readable_date(node) or node.value
        return Term(text, None, None, "literal", datatype if datatype not in ("xsd:string", "rdf:langString") else None,
                    node.language, len(node.value) > LONG_TEXT)
    return Term("(unnamed node)", None, None, "bnode")


def graph_source(graph, label: Labeller) -> Term:
    """The document a named graph speaks for (its describesDocument), else the graph itself."""
    if isinstance(graph, ox.NamedNode):
        iri = graph.value
        if iri.startswith(DOCUMENT_GRAPH_PREFIX):
            doc = str(ID) + "document/" + iri[len(DOCUMENT_GRAPH_PREFIX):]
            return Term(label(doc), urls.href(doc), doc, "iri")
        if iri == REFERENCE_GRAPH:
            return Term("reference data", urls.href(iri), iri, "iri")
        return Term(label(iri), urls.href(iri), iri, "iri")
    return Term("default graph")


def property_rows(quads: Iterable[ox.Quad], subject, label: Labeller, *, depth: int = 0) -> list[PropertyRow]:
    """Quads of `subject` grouped by predicate (rdf:type first), each value with the documents that
    assert it, blank-node values nested."""
    quads = list(quads)
    grouped = _by_predicate((q for q in quads if q.subject == subject), lambda q: q.object, label)
    rows = []
    for pred in sorted(grouped, key=lambda p: (p != RDF_TYPE, label(p.value).lower())):
        values = []
        for obj, sources in grouped[pred].items():
            value = term(obj, label)
            value.sources = list(sources.values())
            part_of_page = isinstance(obj, ox.BlankNode) or (
                isinstance(obj, ox.NamedNode) and isinstance(subject, ox.NamedNode) and obj.value.startswith(subject.value + "#"))
            if part_of_page and depth < 4:  # blank nodes and this page's own hash IRIs are shown in place
                if isinstance(obj, ox.NamedNode):
                    value.anchor = obj.value.split("#", 1)[1]
                value.children = property_rows(quads, obj, label, depth=depth + 1)
            values.append(value)
        rows.append(PropertyRow(term(pred, label), values))
    return rows


def inverse_rows(quads: Iterable[ox.Quad], label: Labeller) -> list[PropertyRow]:
    """Inverse links grouped by predicate ("speaker" of these statements…), with their sources."""
    grouped = _by_predicate(quads, lambda q: q.subject, label)
    rows = []
    for pred in sorted(grouped, key=lambda p: label(p.value).lower()):
        values = []
        for node, sources in grouped[pred].items():
            value = term(node, label)
            value.sources = list(sources.values())
            values.append(value)
        rows.append(PropertyRow(term(pred, label), sorted(values, key=lambda t: t.text.lower())))
    return rows


def _by_predicate(quads: Iterable[ox.Quad], node_of, label: Labeller) -> dict:
    """{predicate: {node: {source text: source Term}}}, in first-seen order."""
    grouped: dict = defaultdict(dict)
    for q in quads:
        src = graph_source(q.graph_name, label)
        grouped[q.predicate].setdefault(node_of(q), {})[src.text] = src
    return grouped


def types_of(quads: Iterable[ox.Quad], subject, label: Labeller) -> list[Term]:
    seen = dict.fromkeys(q.object for q in quads if q.subject == subject and q.predicate == RDF_TYPE)
    return [term(t, label) for t in seen]
