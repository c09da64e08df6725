"""Every IRI of the seed graph under https://w3id.org/oversight resolves on the running service:
things (/id/) by 303 to a 200 document, named graphs (/data/) directly, ontology terms to their
entry in the ontology's documentation."""

from __future__ import annotations

import pytest
import rdflib
import requests

from conftest import REPO

BASE = "https://w3id.org/oversight"

pytestmark = pytest.mark.skipif(not (REPO / "graph_data" / "reference.ttl").exists(),
                                reason="no seed graph in graph_data/ yet")


@pytest.fixture(scope="module")
def seed_iris(server) -> set[str]:
    dump = rdflib.Dataset()
    dump.parse(data=requests.get(f"{server.url}/data/dump.nq", timeout=30).text, format="nquads")
    iris = {str(term) for quad in dump.quads() for term in quad
            if isinstance(term, rdflib.URIRef) and str(term).startswith(BASE + "/")}
    assert len(iris) > 100
    return iris


def test_every_seed_iri_resolves(server, seed_iris: set[str]) -> None:
    session = requests.Session()
    ontology_page = session.get(f"{server.url}/def/oversight", headers={"Accept": "text/html"}, timeout=10).text
    failures = []
    for iri in sorted(seed_iris):
        path = iri[len(BASE):]
        if path.startswith("/def/oversight#"):
            if f'id="{path.split("#", 1)[1]}"' not in ontology_page:
                failures.append((iri, "no entry in the ontology documentation"))
            continue
        response = session.get(server.url + path, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=10)
        if path.startswith("/id/"):
            if response.status_code != 303:
                failures.append((iri, response.status_code))
                continue
            response = session.get(response.headers["Location"], headers={"Accept": "text/turtle"}, timeout=10)
        if response.status_code != 200:
            failures.append((iri, response.status_code))
        elif path.startswith("/id/"):
            described = rdflib.Graph().parse(data=response.text, format="turtle")
            as_subject = any(True for _ in described.triples((rdflib.URIRef(iri), None, None)))
            as_object = any(True for _ in described.triples((None, None, rdflib.URIRef(iri))))
            # A hash IRI resolves to its base's document, which must describe it too.
            if not as_subject and ("#" in iri or not as_object):
                failures.append((iri, "the document it resolves to does not describe it"))
    assert not failures, failures[:20]


def test_every_seed_thing_has_an_html_page(server, seed_iris: set[str]) -> None:
    session = requests.Session()
    things = sorted(i for i in seed_iris if i.startswith(f"{BASE}/id/"))
    bad = [(i, r.status_code) for i in things
           if (r := session.get(f"{server.url}/doc/{i[len(BASE) + 4:]}.html", timeout=10)).status_code != 200
           or "<h1>" not in r.text]
    assert not bad, bad[:20]


def test_state_on_date_answers_the_competency_questions(server) -> None:
    # CQ5 and CQ6 (shared/competency-questions.md): on 18 Sep 2024 only the investigations cause of
    # concern was open, and two of its recommendations (appropriate outcomes; using outcomes).
    answer = requests.get(f"{server.url}/api/state", params={"force": "west-midlands", "date": "2024-09-18"},
                          timeout=10).json()
    assert [c["iri"].rsplit("/", 1)[1] for c in answer["open_causes_of_concern"]] == ["2023-investigations"]
    assert len(answer["open_recommendations"]) == 2
    assert all("outcomes" in r["label"] for r in answer["open_recommendations"])
    before = requests.get(f"{server.url}/api/state", params={"force": "west-midlands", "date": "2024-01-15"},
                          timeout=10).json()
    assert len(before["open_causes_of_concern"]) == 4  # CQ4: four causes from the 2023 PEEL inspection
    assert [p["label"] for p in before["phase"]] == ["Engage"]  # CQ1: in Engage from 24 Nov 2023


def test_hash_iris_are_described_on_their_base_page(server, seed_iris: set[str]) -> None:
    hashed = sorted(i for i in seed_iris if i.startswith(f"{BASE}/id/") and "#" in i)
    for iri in hashed:
        base, fragment = iri[len(BASE) + 4:].split("#", 1)
        page = requests.get(f"{server.url}/doc/{base}", headers={"Accept": "text/html"}, timeout=10).text
        assert f'id="{fragment}"' in page, iri


def test_every_passage_link_highlights_the_quoted_words(server) -> None:
    import re
    from html import unescape

    rows = requests.get(f"{server.url}/api/statements", timeout=10).json()["results"]
    assert len(rows) >= 10
    session = requests.Session()
    for row in rows:
        assert row["passage"], row["occurrence"]
        page = session.get(row["passage"], timeout=10)
        marked = re.search(r'<mark id="passage">(.*?)</mark>', page.text, re.S)
        assert page.status_code == 200 and marked, row["passage"]
        assert unescape(marked.group(1)) == row["exact"], row["occurrence"]
