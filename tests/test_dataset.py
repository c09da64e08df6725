"""The VoID/DCAT description and the dumps, with ETag/Last-Modified and conditional GET."""

from __future__ import annotations

import pytest
import rdflib
import requests
from rdflib import Namespace, URIRef

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DATASET = URIRef("https://w3id.org/oversight/data/dataset")


def void_graph(server) -> rdflib.Graph:
    response = requests.get(f"{server.url}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_void_describes_the_dataset(fixture_server) -> None:
    g = void_graph(fixture_server)
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in g and (DATASET, rdflib.RDF.type, DCAT.Dataset) in g
    dump = rdflib.Dataset()
    dump.parse(data=requests.get(f"{fixture_server.url}/data/dump.nq", timeout=10).text, format="nquads")
    assert int(g.value(DATASET, VOID.triples)) == len(list(dump.quads()))
    entities = {s for s, _, _, _ in dump.quads() if str(s).startswith("https://w3id.org/oversight/id/")}
    assert int(g.value(DATASET, VOID.entities)) == len(entities)
    classes = {o for _, p, o, _ in dump.quads() if p == rdflib.RDF.type}
    assert int(g.value(DATASET, VOID.classes)) == len(classes)
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{fixture_server.url}/sparql")
    assert URIRef("https://w3id.org/oversight/def/oversight#") in set(g.objects(DATASET, VOID.vocabulary))
    assert g.value(DATASET, DCT.license) is not None and g.value(DATASET, DCT.publisher) is not None
    assert g.value(DATASET, DCT.modified) is not None
    # One subset per named graph, with its own triple count.
    subsets = set(g.objects(DATASET, VOID.subset))
    assert URIRef("https://w3id.org/oversight/data/document/fixture-letter-2023-10-01") in subsets
    # Every dump it advertises is there.
    dumps = set(g.objects(DATASET, VOID.dataDump))
    assert {str(d).rsplit(".", 1)[1] for d in dumps} == {"trig", "nq", "ttl"}
    for url in dumps:
        assert requests.get(str(url), timeout=10).status_code == 200


def test_void_as_html_for_browsers_and_turtle_for_programs(fixture_server) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = requests.get(f"{fixture_server.url}/.well-known/void", headers={"Accept": browser}, timeout=10)
    assert page.status_code == 200 and "About the data" in page.text and "triples" in page.text
    for accept in ("*/*", ""):
        machine = requests.get(f"{fixture_server.url}/.well-known/void", headers={"Accept": accept}, timeout=10)
        assert machine.headers["Content-Type"].startswith("text/turtle")


@pytest.mark.parametrize("ext,media,parser", [("trig", "application/trig", "trig"),
                                              ("nq", "application/n-quads", "nquads"),
                                              ("ttl", "text/turtle", "turtle")])
def test_dumps_are_complete_and_conditional(fixture_server, ext: str, media: str, parser: str) -> None:
    url = f"{fixture_server.url}/data/dump.{ext}"
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
    data = rdflib.Dataset()
    data.parse(data=response.text, format=parser)
    assert len(list(data.quads())) > 100
    if ext != "ttl":  # graph-aware dumps keep the named graph of every fact
        graphs = {str(c.identifier) for c in data.graphs() if len(c)}
        assert "https://w3id.org/oversight/data/document/fixture-news-2024-03-05" in graphs
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert etag and modified
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-None-Match": '"something-else"'}, timeout=10).status_code == 200
    assert requests.get(f"{fixture_server.url}/data/dump.zip", timeout=10).status_code == 404
