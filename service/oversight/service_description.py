"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Built as RDF from what the service really offers: the formats of formats.py, the union default
graph, the named graphs in the store (with their sizes), and a link to the VoID description.
"""

from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox

from .formats import GRAPH_FORMATS, RESULTS_FORMATS, Format
from .namespaces import PREFIXES
from .queries import load_query
from .store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
VOID_PATH = "/.well-known/void"
SIMPLE_ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"
# The W3C format IRIs (https://www.w3.org/ns/formats/) where pyoxigraph's differ.
FORMAT_IRIS = {"https://www.w3.org/ns/formats/data/JSON-LD": "http://www.w3.org/ns/formats/JSON-LD"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def describe(store: Store, endpoint: str, base: str, *, update: bool = False) -> list[ox.Triple]:
    """The description of the service at `endpoint` (an absolute URL); `base` is the site root
    without a trailing slash; `update` says whether SPARQL Update is enabled."""
    service, dataset = ox.NamedNode(endpoint + "#service"), ox.NamedNode(endpoint + "#dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode(SIMPLE_ENTAILMENT)),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDF_TYPE, _void("Dataset")),
        ox.Triple(dataset, _void("sparqlEndpoint"), ox.NamedNode(endpoint)),
        ox.Triple(dataset, ox.NamedNode(PREFIXES["rdfs"] + "seeAlso"), ox.NamedNode(base + VOID_PATH)),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(PREFIXES["rdfs"] + "comment"),
                  ox.Literal("The union of every named graph (and of triples loaded outside one)", language="en")),
    ]
    if update:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(iri)) for iri in result_format_iris()]
    triples += list(_named_graphs(store, dataset))
    return triples


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    prefixes = {"sd": SD, "void": VOID, "rdfs": PREFIXES["rdfs"]}
    return ox.serialize(triples, format=fmt.serializer, prefixes=prefixes)


def result_format_iris() -> list[str]:
    """The W3C IRI of every format the endpoint answers in, once each."""
    iris = (FORMAT_IRIS.get(f.serializer.iri, f.serializer.iri) for f in (*RESULTS_FORMATS, *GRAPH_FORMATS))
    return list(dict.fromkeys(iris))


def _named_graphs(store: Store, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    """sd:namedGraph entries with their triple counts (queries/stats-graphs.rq)."""
    for row in store.query(load_query("stats-graphs"), union_default_graph=False):
        name = row["graph"]
        entry, graph = ox.BlankNode(), ox.BlankNode()
        yield ox.Triple(dataset, _sd("namedGraph"), entry)
        yield ox.Triple(entry, RDF_TYPE, _sd("NamedGraph"))
        yield ox.Triple(entry, _sd("name"), name)
        yield ox.Triple(entry, _sd("graph"), graph)
        yield ox.Triple(graph, RDF_TYPE, _sd("Graph"))
        yield ox.Triple(graph, _void("triples"), row["triples"])
