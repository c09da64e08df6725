"""POST /shacl validates a posted graph against the shapes and the served data; GET /shacl the shapes.
The invalid fixtures are the ones test_validation.py checks, posted as TriG (their document graphs
matter to the rules), and each must be caught with its expected shape and focus node."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from oversight.namespaces import ONTOLOGY_IRI
from test_validation import BASE, INVALID, broken_store, expectations

TRIG = "application/trig"


def as_trig(store) -> bytes:
    """The fixture's data (not the ontology, which the service has) as TriG."""
    quads = [q for q in store.quads() if not (isinstance(q.graph_name, ox.NamedNode)
                                              and q.graph_name.value == ONTOLOGY_IRI)]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG)


def post(server, body: bytes, content_type: str = TRIG, accept: str = "text/turtle") -> requests.Response:
    return requests.post(server.url + "/shacl", data=body, timeout=30,
                         headers={"Content-Type": content_type, "Accept": accept})


def report_graph(response: requests.Response) -> Graph:
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def conforms(report: Graph) -> bool:
    (value,) = report.objects(None, SH.conforms)
    return value.toPython()


def test_a_conforming_graph_conforms(server):
    from oversight.validation import store_for_files

    report = report_graph(post(server, as_trig(store_for_files([BASE]))))
    assert conforms(report) is True


@pytest.mark.parametrize("patch", INVALID, ids=[p.stem for p in INVALID])
def test_every_invalid_fixture_is_caught_over_http(server, patch):
    report = report_graph(post(server, as_trig(broken_store(patch))))
    found = {(report.value(r, SH.sourceShape), report.value(r, SH.focusNode), report.value(r, SH.resultSeverity))
             for r in report.subjects(RDF.type, SH.ValidationResult)}
    assert expectations(patch) <= found
    if any(severity == SH.Violation for _s, _f, severity in expectations(patch)):
        assert conforms(report) is False


def test_json_report_and_other_graph_formats(server):
    body = as_trig(broken_store(INVALID[0]))
    plain = post(server, body, accept="application/json")
    assert plain.headers["Content-Type"].startswith("application/json")
    assert plain.json()["conforms"] is False and plain.json()["results"]
    ntriples = post(server, body, accept="application/n-triples")
    assert ntriples.headers["Content-Type"].startswith("application/n-triples")
    graph = Graph().parse(data=ntriples.text, format="nt")
    assert (None, SH.conforms, Literal(False)) in graph


def test_validation_is_read_only(server):
    before = requests.get(server.url + "/readyz", timeout=10).json()["data_version"]
    post(server, as_trig(broken_store(INVALID[0])))
    assert requests.get(server.url + "/readyz", timeout=10).json()["data_version"] == before


def test_unparsable_input_is_400_with_its_position(server):
    response = post(server, b"<http://example.org/a> <http://example.org/b> \"unterminated .", "text/turtle")
    assert response.status_code == 400
    assert "line 1" in response.text and len(response.text.strip().splitlines()) == 1


def test_unknown_media_type_is_415(server):
    response = post(server, b"a,b,c", "text/csv")
    assert response.status_code == 415 and "text/turtle" in response.text


def test_too_large_is_413(server):
    from oversight.config import Settings

    response = post(server, b"#" * (Settings().max_body_bytes + 1), "text/turtle")
    assert response.status_code == 413


def test_get_returns_the_shapes_as_turtle(server):
    response = requests.get(server.url + "/shacl", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    shapes = Graph().parse(data=response.text, format="turtle")
    assert (None, RDF.type, SH.NodeShape) in shapes
