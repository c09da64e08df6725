"""The human pages: home, resource pages, search, the query page, escaping and security headers."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests


def page(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, headers={"Accept": "text/html"}, timeout=10)


def test_home_counts_and_links(fixture_server) -> None:
    home = page(fixture_server, "/")
    assert home.status_code == 200
    assert "<strong>2</strong> source documents" in home.text
    assert "<strong>3</strong> statements" in home.text
    assert "<strong>2</strong> people" in home.text
    assert "/timeline/fixture-force" in home.text and "/.well-known/void" in home.text


def test_person_page(fixture_server) -> None:
    person = page(fixture_server, "/doc/person/alex-example")
    text = person.text
    assert "<h1>Alex Example</h1>" in text
    assert "Statements by Alex Example" in text and "the work would go on" in text
    # Each fact says which document asserts it; values are linked; dates are readable.
    assert 'href="/doc/document/fixture-letter-2023-10-01"' in text
    assert "What links here" in text and 'href="/doc/statement/fixture-letter-2023-10-01/1"' in text
    statement = page(fixture_server, "/doc/statement/fixture-letter-2023-10-01/1").text
    assert "1 October 2023" in statement and "&lt;quickly&gt;" in statement


def test_document_page_lists_its_statements(fixture_server) -> None:
    doc = page(fixture_server, "/doc/document/fixture-news-2024-03-05").text
    assert "Statements reported in this document" in doc and "The force has made real progress." in doc
    assert 'href="/text/fixture-news-2024-03-05"' in doc
    text = page(fixture_server, "/text/fixture-news-2024-03-05")
    assert text.status_code == 200 and "FIXTURE TEXT - NOT A REAL DOCUMENT" in text.text


def test_search_finds_entities_and_statements(fixture_server) -> None:
    found = page(fixture_server, "/search", q="progress").text
    assert 'href="/doc/statement/fixture-news-2024-03-05/1"' in found
    names = page(fixture_server, "/search", q="alex").text
    assert 'href="/doc/person/alex-example"' in names
    assert "0 results" in page(fixture_server, "/search", q="<script>nothing</script>").text
    assert "<script>nothing" not in page(fixture_server, "/search", q="<script>nothing</script>").text


def test_query_page_runs_queries(fixture_server) -> None:
    empty = page(fixture_server, "/query")
    assert empty.status_code == 200 and "<textarea" in empty.text and "statements" in empty.text
    assert 'id="results"' not in empty.text
    named = page(fixture_server, "/query", name="speakers")
    assert "Everyone who is recorded as saying something" in named.text and "<td>Alex Example</td>" in named.text
    ran = page(fixture_server, "/query", query="PREFIX schema: <http://schema.org/> SELECT ?name WHERE { ?p schema:name ?name } ORDER BY ?name")
    assert ran.status_code == 200 and "<td>Alex Example</td>" in ran.text
    # The same answer from the endpoint, by the link the page offers.
    csv_link = re.search(r'href="(/sparql\?[^"]*format=csv)"', ran.text).group(1)
    assert "Alex Example" in requests.get(fixture_server.url + unescape(csv_link), timeout=10).text
    ask = page(fixture_server, "/query", query="ASK { ?s ?p ?o }")
    assert "yes (true)" in ask.text
    construct = page(fixture_server, "/query", query="CONSTRUCT WHERE { ?s <http://schema.org/givenName> ?o }")
    assert "<td>Sam</td>" in construct.text
    hostile = page(fixture_server, "/query", query='SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }')
    assert "javascript:alert(1)" in hostile.text and 'href="javascript:' not in hostile.text
    bad = page(fixture_server, "/query", query="SELECT WHERE {")
    assert bad.status_code == 400 and "Malformed query" in bad.text


def test_named_query_page_runs_as_is(fixture_server) -> None:
    # Named queries with parameters run unchanged on the query page (unbound parameters mean "any").
    from oversight.queries import load_query

    ran = requests.post(f"{fixture_server.url}/query", data={"query": load_query("statements")}, timeout=10)
    assert ran.status_code == 200 and "3 rows" in ran.text
    assert "3 rows" in page(fixture_server, "/query", name="statements").text


@pytest.mark.parametrize("path", ["/", "/statements", "/doc/person/alex-example", "/query", "/timeline/fixture-force"])
def test_security_headers(fixture_server, path: str) -> None:
    headers = page(fixture_server, path).headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_home_says_when_data_is_served_despite_failing_validation() -> None:
    # The validation step (validation.py) leaves its Report in app.extensions["oversight.validation"].
    from rdflib import URIRef
    from rdflib.namespace import SH

    from conftest import FIXTURE_DATA
    from oversight.app import create_app
    from oversight.config import Settings
    from oversight.shacl_report import Report, Result

    app = create_app(Settings(data_dir=FIXTURE_DATA))
    client = app.test_client()
    assert "does not pass validation" not in client.get("/").get_data(as_text=True)
    bad = Result(URIRef("https://w3id.org/oversight/id/person/alex-example"), URIRef("urn:shape"), SH.Violation,
                 SH.MinCountConstraintComponent, "missing")
    app.extensions["oversight.validation"] = Report([bad])
    assert "does not pass validation (1 violations)" in client.get("/").get_data(as_text=True)
    app.extensions["oversight.validation"] = Report([])
    assert "does not pass validation" not in client.get("/").get_data(as_text=True)
