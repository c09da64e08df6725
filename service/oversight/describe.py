"""Resource descriptions: what the graph says about one IRI, and in which named graph it says it.

A description is every quad with the resource as subject (plus the blank nodes they lead to, so
selectors and intervals come with their parents) and every quad that points at the resource from
another named resource (inverse links), from every graph. The graph of each quad is the source
document that asserts the fact (docs/modelling.md, "Named graphs and provenance").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from werkzeug.exceptions import NotFound

from .store import Store


@dataclass
class Description:
    subject: ox.NamedNode
    forward: list[ox.Quad] = field(default_factory=list)  # subject's quads and their blank-node closure
    inverse: list[ox.Quad] = field(default_factory=list)  # quads whose object is the subject

    @property
    def found(self) -> bool:
        return bool(self.forward or self.inverse)

    def quads(self) -> list[ox.Quad]:
        return self.forward + self.inverse

    def triples(self) -> list[ox.Triple]:
        """The description without graph names, for triple formats (each triple once)."""
        return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()))


def describe(store: Store, iri: str, *, inverse: bool = True) -> Description:
    """The description of `iri`; hash IRIs it links to (`{iri}#from`) are described with it, since
    their IRI resolves to this same document."""
    try:
        subject = ox.NamedNode(iri)
    except ValueError:  # an address no IRI can have (found by the fuzz test): nothing lives there
        raise NotFound("Nothing in the graph has this address.") from None
    forward = closure(store, [subject])
    hashed = list(dict.fromkeys(q.object for q in forward
                                if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(iri + "#")))
    desc = Description(subject, forward=forward + (closure(store, hashed) if hashed else []))
    if inverse:
        desc.inverse = [
            q for q in store.oxigraph.quads_for_pattern(None, None, subject, None)
            if isinstance(q.subject, ox.NamedNode)
        ]
    return desc


def closure(store: Store, subjects: list[ox.NamedNode | ox.BlankNode], limit: int | None = None) -> list[ox.Quad]:
    """Quads of `subjects`, following blank-node objects (each blank node once): the concise bounded
    description, as SPARQL DESCRIBE gives it. With a `limit`, stops at `limit + 1` quads (so the
    caller knows there were more)."""
    seen: set = set()
    quads: list[ox.Quad] = []
    pending = list(subjects)
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in store.oxigraph.quads_for_pattern(node, None, None, None):
            quads.append(quad)
            if limit is not None and len(quads) > limit:
                return quads
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    return quads


def graph_quads(store: Store, graph: str) -> list[ox.Quad]:
    return list(store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
