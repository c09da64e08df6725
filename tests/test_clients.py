"""Real SPARQL clients against the running server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, GET, TSV, TURTLE, XML, SPARQLWrapper

from conftest import Server
from endpoint_data import EX, PEOPLE, PLACES, PLACES_GRAPH, parsed, sample  # noqa: F401 (sample: fixture)

NAMES = "PREFIX ex: <http://example.org/> SELECT ?name WHERE { ?p a ex:Person ; ex:name ?name } ORDER BY ?name"


def expected_names() -> list[str]:
    people = parsed(PEOPLE)
    return sorted(str(people.value(p, EX.name)) for p in people.subjects(rdflib.RDF.type, EX.Person))


def wrapper(server: Server, method: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(method)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def names_from(fmt: str, result) -> list[str]:
    if fmt == JSON:
        return [b["name"]["value"] for b in result["results"]["bindings"]]
    if fmt == XML:  # a DOM document
        return [b.getElementsByTagName("literal")[0].firstChild.data for b in result.getElementsByTagName("binding")]
    dialect = {"delimiter": "\t", "quoting": csv.QUOTE_NONE} if fmt == TSV else {}
    rows = list(csv.reader(io.StringIO(result.decode("utf-8")), **dialect))
    values = [row[0] for row in rows[1:]]
    # TSV holds RDF terms ("Bob"@en); CSV holds plain values.
    return [str(rdflib.util.from_n3(v)) if fmt == TSV else v for v in values]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(sample: Server, method: str, fmt: str) -> None:
    result = wrapper(sample, method, NAMES, fmt).query()
    assert result.response.status == 200
    assert sorted(names_from(fmt, result.convert())) == expected_names()


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_ask(sample: Server, method: str) -> None:
    ask = "PREFIX ex: <http://example.org/> ASK { ex:alice ex:knows ex:bob }"
    assert wrapper(sample, method, ask, JSON).query().convert()["boolean"] is True


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [XML, TURTLE, JSONLD])
def test_sparqlwrapper_construct_into_an_rdflib_graph(sample: Server, method: str, fmt: str) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PLACES_GRAPH}> {{ ?s ?p ?o }} }}"
    result = wrapper(sample, method, query, fmt).query().convert()
    graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format=
                                                                                  "turtle" if fmt == TURTLE else "json-ld")
    assert isomorphic(graph, parsed(PLACES))


def test_sparqlwrapper_reports_a_malformed_query(sample: Server) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="Malformed query"):
        wrapper(sample, GET, "SELECT * WHERE {", JSON).query()


def test_rdflib_sparqlstore(sample: Server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(sample.url + "/sparql", returnFormat="json"))
    rows = graph.query(NAMES)
    assert sorted(str(row.name) for row in rows) == expected_names()
    knows = set(graph.triples((EX.alice, EX.knows, None)))
    assert knows == {(EX.alice, EX.knows, EX.bob)}
    assert len(graph) == len(parsed(PEOPLE)) + len(parsed(PLACES))
    ask = graph.query("ASK { ?city a <http://example.org/City> }")
    assert ask.askAnswer is True


def test_rdflib_sparqlstore_named_graph(sample: Server) -> None:
    store = SPARQLStore(sample.url + "/sparql", returnFormat="xml")
    places = rdflib.Graph(store=store, identifier=rdflib.URIRef(PLACES_GRAPH))
    assert set(places.triples((None, EX.livesIn, None))) == set(parsed(PLACES).triples((None, EX.livesIn, None)))
    contexts = {str(getattr(c, "identifier", c)) for c in store.contexts()}
    assert contexts == {PLACES_GRAPH}
