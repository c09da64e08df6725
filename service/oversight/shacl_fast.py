"""The fast SHACL engine: the project's shapes compiled to SPARQL and run on pyoxigraph directly.

Every constraint becomes one whole-graph query that returns the failing focus nodes (pySHACL instead
runs every SHACL-SPARQL constraint once per focus node on rdflib). The compiler supports exactly the
SHACL the shapes use and refuses anything else, so no constraint is silently unchecked:

    targets      sh:targetClass (with rdfs:subClassOf from the data and ontology), sh:targetSubjectsOf
    node level   sh:nodeKind, sh:pattern, sh:sparql (SELECT with $this, ?value)
    properties   sh:path (an IRI or sh:inversePath), sh:minCount, sh:maxCount, sh:datatype,
                 sh:or of sh:datatype, sh:class, sh:nodeKind, sh:pattern, sh:in, sh:hasValue,
                 sh:languageIn, sh:lessThan, sh:lessThanOrEquals, sh:equals, sh:disjoint

`focus` restricts every query to given nodes (VALUES ?this), which is how one added document is
validated without looking at the rest of the graph. tests/test_validation.py checks that this
engine and pySHACL give the same results on every fixture and on the seed graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from .namespaces import DOCUMENT_GRAPH_PREFIX, OG
from .shacl_report import OGSH, Result, _short, short_path
from .store import Store

NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.nodeKind, SH.pattern, SH["class"], SH.sparql, SH.property,
             SH.message, SH.severity, RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description}
PROPERTY_KEYS = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["or"], SH["class"], SH.nodeKind, SH.pattern,
                 SH["in"], SH.hasValue, SH.languageIn, SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint,
                 SH.message, SH.severity, SH.name, SH.description}
NODE_KIND_TEST = {SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
                  SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
                  SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))"}
REPORTED_IN = re.compile(r"(\?\w+|\$this)\s+ogsh:reportedIn\s+(\?\w+)\s*\.")


class UnsupportedShape(ValueError):
    """A shape uses SHACL this engine does not compile (add it here, or use the pyshacl engine)."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose rows are failures (?this, and ?v / ?value if any)."""

    shape: URIRef
    severity: URIRef
    component: URIRef
    message: str
    query: str  # contains TARGET where the focus nodes are bound
    path: str | None = None


def validate_fast(store: Store, shapes: Graph, focus: Sequence | None = None,
                  checks: Sequence[Check] | None = None) -> list[Result]:
    """Run the compiled checks (compile_shapes(shapes) unless given); `shapes` is only read."""
    checks = list(compile_shapes(shapes)) if checks is None else checks
    doc_graphs = [g for g in store.named_graphs() if g.startswith(DOCUMENT_GRAPH_PREFIX)]
    closure = _subclass_closure(store)
    per_shape: dict = {}  # incremental: each shape's own focus nodes among `focus` (most have none)
    seen: dict[tuple, Result] = {}
    for check in checks:
        if focus is None:
            target = _targets(check.shape, shapes, closure, doc_graphs, None)
        else:
            if check.shape not in per_shape:
                per_shape[check.shape] = _focus_targeted(store, shapes, check.shape, focus, closure, doc_graphs)
            if not per_shape[check.shape]:
                continue
            target = "VALUES ?this { %s }" % " ".join(f"<{n}>" for n in per_shape[check.shape])
        query = check.query.replace("TARGET", target)
        for row in _query(store, query):
            result = _result(check, row)
            seen.setdefault(result.key(), result)
    return list(seen.values())


def focus_nodes(store: Store, shapes: Graph, shape: URIRef) -> list:
    """The focus nodes of one node shape in `store` (the guard test: no shape may target nothing)."""
    doc_graphs = [g for g in store.named_graphs() if g.startswith(DOCUMENT_GRAPH_PREFIX)]
    query = "SELECT ?this WHERE { %s }" % _targets(shape, shapes, _subclass_closure(store), doc_graphs, None)
    return [row["this"] for row in _query(store, query)]


def _focus_targeted(store: Store, shapes: Graph, shape, focus: Sequence, closure: dict[str, set[str]],
                    doc_graphs: list[str]) -> list[str]:
    """Which of the (few) `focus` nodes `shape` targets, looked up node by node in the indexes."""
    found, doc_graph_set = [], set(doc_graphs)
    for node in focus:
        subject = ox.NamedNode(str(node))
        types = {q.object.value for q in store.oxigraph.quads_for_pattern(subject, ox.NamedNode(str(RDF.type)), None, None)}
        for cls in shapes.objects(shape, SH.targetClass):
            if (cls == OGSH.DocumentGraph and str(node) in doc_graph_set) or types & (closure.get(str(cls), set()) | {str(cls)}):
                found.append(str(node))
                break
        else:
            if any(next(store.oxigraph.quads_for_pattern(subject, ox.NamedNode(str(p)), None, None), None) is not None
                   for p in shapes.objects(shape, SH.targetSubjectsOf)):
                found.append(str(node))
    return found


def _query(store: Store, sparql: str):
    """Our own generated queries go straight to pyoxigraph, over the union of all graphs."""
    return store.oxigraph.query(sparql, use_default_graph_as_union=True)


# -- targets --------------------------------------------------------------------------------------
def _subclass_closure(store: Store) -> dict[str, set[str]]:
    """Every class with all its subclasses (rdfs:subClassOf* in the data and the ontology), from the
    direct rdfs:subClassOf edges: a zero-length path query would enumerate every node of the graph."""
    parents: dict[str, set[str]] = {}
    for row in _query(store, "SELECT DISTINCT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super "
                             "FILTER(isIRI(?super) && isIRI(?sub)) }"):
        parents.setdefault(row["sub"].value, set()).add(row["super"].value)
    closure: dict[str, set[str]] = {}
    for cls in parents:
        seen, todo = set(), [cls]
        while todo:
            current = todo.pop()
            for parent in parents.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        for ancestor in seen:
            closure.setdefault(ancestor, set()).add(cls)
    return closure


def _targets(shape: URIRef, shapes: Graph, closure: dict[str, set[str]], doc_graphs: list[str],
             focus_values: str | None) -> str:
    """A group binding ?this to each focus node of `shape` once."""
    groups = []
    for cls in shapes.objects(shape, SH.targetClass):
        if cls == OGSH.DocumentGraph:  # the validation view: see validation.py
            groups.append("VALUES ?this { %s }" % " ".join(f"<{g}>" for g in doc_graphs))
            continue
        classes = closure.get(str(cls), set()) | {str(cls)}
        groups.append("VALUES ?_class { %s } ?this a ?_class ." % " ".join(f"<{c}>" for c in sorted(classes)))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        groups.append(f"?this <{prop}> ?_object .")
    if not groups:
        raise UnsupportedShape(f"{shape} has no target this engine supports")
    union = " UNION ".join("{ %s }" % g for g in groups)
    restrict = f"VALUES ?this {{ {focus_values} }} " if focus_values is not None else ""
    return f"{{ SELECT DISTINCT ?this WHERE {{ {restrict}{union} }} }}"


# -- compiling ----------------------------------------------------------------------------------
def compile_shapes(shapes: Graph) -> Iterator[Check]:
    node_shapes = {s for s in shapes.subjects(SH.targetClass, None)} | {s for s in shapes.subjects(SH.targetSubjectsOf, None)}
    for shape in sorted(node_shapes):
        unknown = {p for p in shapes.predicates(shape, None)} - NODE_KEYS
        if unknown:
            raise UnsupportedShape(f"{shape} uses {', '.join(map(str, unknown))}")
        severity = shapes.value(shape, SH.severity) or SH.Violation
        message = str(shapes.value(shape, SH.message) or "")
        yield from _node_checks(shapes, shape, severity, message)
        for prop in shapes.objects(shape, SH.property):
            yield from _property_checks(shapes, shape, prop)
        for constraint in shapes.objects(shape, SH.sparql):
            yield _sparql_check(shapes, shape, constraint, severity)


def _node_checks(shapes: Graph, shape, severity, message) -> Iterator[Check]:
    def check(component, condition: str, default: str) -> Check:
        query = f"SELECT ?this ?v WHERE {{ TARGET BIND(?this AS ?v) FILTER({condition}) }}"
        return Check(shape, severity, component, message or default, query)

    for kind in shapes.objects(shape, SH.nodeKind):
        yield check(SH.NodeKindConstraintComponent, "!" + NODE_KIND_TEST[kind], f"Node is not a {_short(kind)}")
    for pattern in shapes.objects(shape, SH.pattern):
        yield check(SH.PatternConstraintComponent, f"isBlank(?v) || !REGEX(STR(?v), {_literal(pattern)})",
                    f"Node does not match pattern {pattern}")
    if list(shapes.objects(shape, SH["class"])):
        raise UnsupportedShape(f"{shape}: sh:class on a node shape is not compiled (use it on a property shape)")


def _property_checks(shapes: Graph, shape, prop) -> Iterator[Check]:
    unknown = {p for p in shapes.predicates(prop, None)} - PROPERTY_KEYS
    if unknown:
        raise UnsupportedShape(f"a property shape of {shape} uses {', '.join(map(str, unknown))}")
    path_node = shapes.value(prop, SH.path)
    path = short_path(path_node, shapes)
    sparql_path = f"<{path_node}>" if isinstance(path_node, URIRef) else f"^<{shapes.value(path_node, SH.inversePath)}>"
    severity = shapes.value(prop, SH.severity) or SH.Violation
    message = str(shapes.value(prop, SH.message) or "")

    def value_check(component, condition: str, default: str, extra: str = "") -> Check:
        query = f"SELECT ?this ?v WHERE {{ TARGET ?this {sparql_path} ?v . {extra} FILTER({condition}) }}"
        return Check(shape, severity, component, message or default, query, path)

    def missing_check(component, pattern: str, default: str, values: bool = True) -> Check:
        # OPTIONAL + !BOUND rather than FILTER NOT EXISTS: pyoxigraph runs the latter far slower.
        each = f"?this {sparql_path} ?v . " if values else ""
        query = (f"SELECT ?this ?v WHERE {{ TARGET {each}OPTIONAL {{ {pattern} BIND(true AS ?_found) }} "
                 f"FILTER(!BOUND(?_found)) }}")
        return Check(shape, severity, component, message or default, query, path)

    def count_check(component, condition: str, default: str) -> Check:
        query = (f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ TARGET "
                 f"OPTIONAL {{ ?this {sparql_path} ?v }} }} GROUP BY ?this }} FILTER({condition}) }}")
        return Check(shape, severity, component, message or default, query, path)

    for n in shapes.objects(prop, SH.minCount):
        yield count_check(SH.MinCountConstraintComponent, f"?n < {int(n)}", f"Less than {n} values on {path}")
    for n in shapes.objects(prop, SH.maxCount):
        yield count_check(SH.MaxCountConstraintComponent, f"?n > {int(n)}", f"More than {n} values on {path}")
    for dt in shapes.objects(prop, SH.datatype):
        yield value_check(SH.DatatypeConstraintComponent, f"!isLiteral(?v) || DATATYPE(?v) != <{dt}>",
                          f"Value is not a literal of datatype {_short(dt)}")
    for alternatives in shapes.objects(prop, SH["or"]):
        datatypes = []
        for member in Collection(shapes, alternatives):
            if set(shapes.predicates(member, None)) != {SH.datatype}:
                raise UnsupportedShape(f"sh:or in {shape} may only list sh:datatype alternatives")
            datatypes.append(f"<{shapes.value(member, SH.datatype)}>")
        yield value_check(SH.OrConstraintComponent, f"!isLiteral(?v) || DATATYPE(?v) NOT IN ({', '.join(datatypes)})",
                          "Value does not have any of the allowed datatypes")
    for cls in shapes.objects(prop, SH["class"]):
        yield missing_check(SH.ClassConstraintComponent, f"?v a/<{RDFS.subClassOf}>* <{cls}> .",
                            f"Value is not an instance of {_short(cls)}")
    for kind in shapes.objects(prop, SH.nodeKind):
        yield value_check(SH.NodeKindConstraintComponent, "!" + NODE_KIND_TEST[kind], f"Value is not a {_short(kind)}")
    for pattern in shapes.objects(prop, SH.pattern):
        yield value_check(SH.PatternConstraintComponent, f"isBlank(?v) || !REGEX(STR(?v), {_literal(pattern)})",
                          f"Value does not match pattern {pattern}")
    for members in shapes.objects(prop, SH["in"]):
        allowed = ", ".join(_sparql_term(m) for m in Collection(shapes, members))
        yield value_check(SH.InConstraintComponent, f"?v NOT IN ({allowed})", "Value is not one of the allowed values")
    for value in shapes.objects(prop, SH.hasValue):
        yield missing_check(SH.HasValueConstraintComponent, f"?this {sparql_path} {_sparql_term(value)} .",
                            f"Missing value {_short(value)}", values=False)
    for ranges in shapes.objects(prop, SH.languageIn):
        tests = " || ".join(f"langMatches(LANG(?v), {_literal(r)})" for r in Collection(shapes, ranges))
        yield value_check(SH.LanguageInConstraintComponent, f"!isLiteral(?v) || !({tests})",
                          "Value's language is not one of the allowed ones")
    for other, op, component in ((SH.lessThan, "<", SH.LessThanConstraintComponent),
                                 (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent)):
        for prop2 in shapes.objects(prop, other):
            # Incomparable values (an error in SPARQL) fail the constraint, as SHACL says.
            yield value_check(component, f"!COALESCE(?v {op} ?w, false)",
                              f"Value is not {op} a value of {_short(prop2)}", f"?this <{prop2}> ?w .")
    for prop2 in shapes.objects(prop, SH.equals):
        for a, b in ((sparql_path, f"<{prop2}>"), (f"<{prop2}>", sparql_path)):
            query = (f"SELECT ?this ?v WHERE {{ TARGET ?this {a} ?v . OPTIONAL {{ ?this {b} ?v . BIND(true AS ?_found) }} "
                     f"FILTER(!BOUND(?_found)) }}")
            yield Check(shape, severity, SH.EqualsConstraintComponent,
                        message or f"Value sets of {path} and {_short(prop2)} differ", query, path)
    for prop2 in shapes.objects(prop, SH.disjoint):
        yield value_check(SH.DisjointConstraintComponent, "true", f"Value is also a value of {_short(prop2)}",
                          f"?this <{prop2}> ?v .")


def _sparql_check(shapes: Graph, shape, constraint, severity) -> Check:
    select = str(shapes.value(constraint, SH.select))
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for holder in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(holder, SH.declare))
    body = REPORTED_IN.sub(lambda m: f"GRAPH ?_g {{ ?_g <{OG.describesDocument}> {m.group(2)} . {m.group(1)} a ?_t }}",
                           select).replace("$this", "?this")
    where = re.search(r"WHERE\s*\{", body)
    if where is None:
        raise UnsupportedShape(f"a SPARQL constraint of {shape} is not SELECT ... WHERE {{ ... }}")
    body = body[:where.end()] + " TARGET " + body[where.end():]
    message = str(shapes.value(constraint, SH.message) or "")
    return Check(shape, severity, SH.SPARQLConstraintComponent, message, prefixes + body)


# -- results ------------------------------------------------------------------------------------
def _result(check: Check, row: ox.QuerySolution) -> Result:
    focus = _to_rdflib(row["this"])
    value_term = _binding(row, "value") if check.component == SH.SPARQLConstraintComponent else _binding(row, "v")
    value = _to_rdflib(value_term) if value_term is not None else None
    if check.component == SH.SPARQLConstraintComponent and value is None:
        value = focus  # pySHACL's convention for a node shape's SPARQL constraint without ?value
    message = re.sub(r"\{[$?](\w+)\}", lambda m: _render(row, m.group(1)), check.message)
    return Result(focus=focus, shape=check.shape, severity=check.severity, component=check.component,
                  message=message, path=check.path, value=value)


def _binding(row: ox.QuerySolution, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _render(row: ox.QuerySolution, name: str) -> str:
    term = _binding(row, name)
    return "(none)" if term is None else _short(_to_rdflib(term))


def _to_rdflib(term):
    from .validation import to_rdflib

    return to_rdflib(term)


def _literal(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sparql_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        raise UnsupportedShape("blank nodes cannot be focus nodes or listed values here")
    return f"<{term}>"
