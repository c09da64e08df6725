"""Resolvable IRIs: 303 from /id/ to /doc/, content negotiation and extensions, 404s, the ontology."""

from __future__ import annotations

import json

import pytest
import rdflib
from markupsafe import escape
import requests
from rdflib import URIRef

from conftest import REPO, start_server

BASE = "https://w3id.org/oversight"
OG = rdflib.Namespace(f"{BASE}/def/oversight#")
PERSON = f"{BASE}/id/person/alex-example"
STATEMENT = f"{BASE}/id/statement/fixture-letter-2023-10-01/1"

# extension, media type to ask for, rdflib parser
FORMATS = [
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
    ("trig", "application/trig", "trig"),
    ("nq", "application/n-quads", "nquads"),
]


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, allow_redirects=False, timeout=10)


def parse(text: str, parser: str) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(data=text, format=parser, publicID=BASE + "/")
    return ds


def has(ds: rdflib.Dataset, triple: tuple) -> bool:
    """The triple is in some graph of the dataset (triple formats parse into the default graph)."""
    return any(True for _ in ds.quads((*triple, None)))


def test_id_answers_303_to_its_document(fixture_server) -> None:
    response = get(f"{fixture_server.url}/id/person/alex-example", Accept="text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{fixture_server.url}/doc/person/alex-example"


def test_redirect_follows_the_request_host(fixture_server) -> None:
    # A deployment at another host name maps its URLs onto the data without rewriting it.
    response = get(f"{fixture_server.url}/id/person/alex-example", Host="oversight.example.org")
    assert response.headers["Location"] == "http://oversight.example.org/doc/person/alex-example"


@pytest.mark.parametrize("ext,media,parser", FORMATS)
def test_document_negotiates_every_format(fixture_server, ext: str, media: str, parser: str) -> None:
    response = get(f"{fixture_server.url}/doc/person/alex-example", Accept=media)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media)
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith(f"/doc/person/alex-example.{ext}")
    graph = parse(response.text, parser)
    person = URIRef(PERSON)
    assert has(graph, (person, URIRef("http://schema.org/name"), rdflib.Literal("Alex Example")))
    # Inverse links come with the description: the statement that names this person as its speaker.
    assert has(graph, (URIRef(STATEMENT), OG.speaker, person))
    # The same by extension, with no Accept header.
    by_ext = get(f"{fixture_server.url}/doc/person/alex-example.{ext}")
    assert by_ext.status_code == 200 and by_ext.headers["Content-Type"].startswith(media)
    assert len(list(parse(by_ext.text, parser).quads())) == len(list(graph.quads()))


def test_document_defaults_to_html_for_browsers(fixture_server) -> None:
    for url, headers in [(f"{fixture_server.url}/doc/person/alex-example", {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}),
                         (f"{fixture_server.url}/doc/person/alex-example.html", {})]:
        response = get(url, **headers)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<h1>Alex Example</h1>" in response.text
        for ext, media, _ in FORMATS:
            assert f'type="{media}" href="/doc/person/alex-example.{ext}"' in response.text


def test_dataset_formats_keep_the_named_graph_of_each_fact(fixture_server) -> None:
    # The membership is in the reference graph, but its date comes from the news document's graph.
    response = get(f"{fixture_server.url}/doc/membership/alex-example/fixture-force-chief-constable.nq")
    graphs = {str(c.identifier) for c in parse(response.text, "nquads").graphs() if len(c)}
    assert f"{BASE}/data/reference" in graphs
    assert f"{BASE}/data/document/fixture-news-2024-03-05" in graphs
    # The blank-node closure (memberDuring interval and its beginning) comes with it.
    assert "2022" in response.text


def test_unacceptable_format_is_406(fixture_server) -> None:
    response = get(f"{fixture_server.url}/doc/person/alex-example", Accept="image/png")
    assert response.status_code == 406


@pytest.mark.parametrize("path", ["/id/person/nobody", "/doc/person/nobody", "/doc/person/nobody.ttl",
                                  "/data/document/no-such-document", "/def/oversight.exe", "/no/such/page"])
def test_unknown_iris_are_404_pages(fixture_server, path: str) -> None:
    page = get(fixture_server.url + path, Accept="text/html")
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html") and "404" in page.text
    plain = get(fixture_server.url + path, Accept="text/turtle")
    assert plain.status_code == 404 and plain.headers["Content-Type"].startswith("text/plain")


def test_named_graph_iri_serves_the_graph(fixture_server) -> None:
    graph_iri = f"{BASE}/data/document/fixture-letter-2023-10-01"
    response = get(f"{fixture_server.url}/data/document/fixture-letter-2023-10-01", Accept="application/n-triples")
    assert response.status_code == 200
    graph = parse(response.text, "nt")
    assert has(graph, (URIRef(graph_iri), OG.describesDocument, URIRef(f"{BASE}/id/document/fixture-letter-2023-10-01")))
    assert has(graph, (URIRef(STATEMENT), OG.speaker, URIRef(PERSON)))
    page = get(f"{fixture_server.url}/data/document/fixture-letter-2023-10-01")
    assert page.status_code == 200 and "triples" in page.text


def test_ontology_documentation_is_generated_from_the_turtle(fixture_server) -> None:
    ontology = rdflib.Graph().parse(REPO / "ontology" / "oversight.ttl")
    page = get(f"{fixture_server.url}/def/oversight", Accept="text/html")
    assert page.status_code == 200
    terms = [s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(OG))]
    assert terms
    for term in terms:  # every hash IRI lands on an entry of its own, with its definition
        anchor = str(term).split("#", 1)[1]
        assert f'id="{anchor}"' in page.text
        definition = ontology.value(term, rdflib.SKOS.definition)
        if definition is not None:
            assert str(escape(str(definition))) in page.text
    # Domain and range are shown, linked to the class entries.
    assert 'href="/def/oversight#Statement"' in page.text
    turtle = get(f"{fixture_server.url}/def/oversight", Accept="text/turtle")
    assert turtle.status_code == 200 and "Vary" in turtle.headers
    assert len(rdflib.Graph().parse(data=turtle.text, format="turtle")) == len(ontology)
    assert get(f"{fixture_server.url}/def/oversight.ttl").headers["Content-Type"].startswith("text/turtle")


def test_public_base_setting_maps_urls(tmp_path) -> None:
    from conftest import FIXTURE_DATA

    srv = start_server("--public-base", "https://data.example.org", env={"OVERSIGHT_DATA_DIR": str(FIXTURE_DATA)})
    try:
        response = get(f"{srv.url}/id/force/fixture-force")
        assert response.headers["Location"] == "https://data.example.org/doc/force/fixture-force"
        void = get(f"{srv.url}/.well-known/void", Accept="application/ld+json")
        assert "https://data.example.org/sparql" in void.text
        # The data keeps its canonical IRIs.
        doc = get(f"{srv.url}/doc/force/fixture-force.ttl")
        assert has(parse(doc.text, "turtle"), (URIRef(f"{BASE}/id/force/fixture-force"), rdflib.RDF.type, OG.PoliceForce))
    finally:
        srv.stop()


def test_documents_answer_conditional_gets(fixture_server) -> None:
    url = f"{fixture_server.url}/doc/person/alex-example"
    first = get(url, Accept="text/turtle")
    etag = first.headers["ETag"]
    assert get(url, Accept="text/turtle", **{"If-None-Match": etag}).status_code == 304
    # Another representation has another tag: the Turtle's tag does not validate the HTML.
    html = get(url, Accept="text/html", **{"If-None-Match": etag})
    assert html.status_code == 200 and html.headers["ETag"] != etag


@pytest.mark.parametrize("prefix", ["/id/person/", "/doc/person/", "/data/document/", "/text/", "/timeline/"])
@pytest.mark.parametrize("name", ["%3Cscript%3E", "a%20b", "a%22b", "%7Bx%7D", "a%5Cb", "..%2F..", "%00"])
def test_paths_that_make_no_iri_are_404(fixture_server, prefix: str, name: str) -> None:
    response = get(fixture_server.url + prefix + name, Accept="text/html")
    assert response.status_code == 404
    assert "<script>" not in response.text
