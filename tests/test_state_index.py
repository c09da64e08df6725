"""The state index (state_index.py) gives what state-on-date.rq gives, and follows every write.

Each test asks the same server twice: /api/state (answered from the index) and /sparql running
state-on-date.rq with the same force and date (answered by the store's query engine).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conftest import FIXTURE_DATA, Server, run_cli, start_server
from oversight.named import date_literal
from oversight.queries import load_query
from oversight.remote import substitute
from writing import AUTH, TOKEN, update

ID = "https://w3id.org/oversight/id/"
WEST_MIDLANDS = ID + "force/west-midlands"
FIXTURE_FORCE = ID + "force/fixture-force"
KEYS = ("phase", "open_causes_of_concern", "open_recommendations")


def api_state(server: Server, force: str, day: date) -> dict[str, list[str]]:
    response = requests.get(server.url + "/api/state", params={"force": force, "date": day.isoformat()}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    return {key: [item["iri"] for item in body[key]] for key in KEYS}


def boundary_days(server: Server) -> dict[str, list[str]]:
    """For each force, every day on which its state can change (periods start and end, findings are
    issued and closed), with the day before and after: where an off-by-one in the index would show."""
    query = """PREFIX og: <https://w3id.org/oversight/def/oversight#> PREFIX dct: <http://purl.org/dc/terms/>
      PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT DISTINCT ?f ?d WHERE { { ?p a og:MonitoringPeriod ; og:force ?f ; og:earliestDate|og:latestDate ?d }
        UNION { ?c og:closes ?x ; og:latestDate ?d . ?x og:issuedTo ?f }
        UNION { ?x og:issuedTo ?f ; dct:issued|og:publishedIn/og:earliestDate|prov:wasGeneratedBy/og:latestDate ?d } }"""
    response = requests.post(server.url + "/sparql", data={"query": query}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    days: dict[str, set[date]] = {}
    for b in response.json()["results"]["bindings"]:
        d = date.fromisoformat(b["d"]["value"][:10])
        days.setdefault(b["f"]["value"], set()).update(d + timedelta(days=k) for k in (-1, 0, 1))
    return {force: sorted(found) for force, found in days.items()}


def sparql_state(server: Server, force: str, day: date) -> dict[str, list[str]]:
    """state-on-date.rq through the SPARQL endpoint, the force and date put in as the API binds them."""
    text = substitute(load_query("state-on-date"), {ox.Variable("forceParam"): ox.NamedNode(force),
                                                    ox.Variable("dateParam"): date_literal(day)})
    response = requests.post(server.url + "/sparql", data={"query": text}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    pick = lambda kind, suffix: [r["item"]["value"] for r in rows if r["kind"]["value"] == kind  # noqa: E731
                                 and r.get("class", {}).get("value", "").endswith(suffix)]
    return dict(zip(KEYS, (pick("phase", ""), pick("open", "#CauseOfConcern"), pick("open", "#Recommendation"))))


@pytest.mark.parametrize("day", [
    date(2023, 1, 1),    # before monitoring
    date(2023, 10, 15),  # recommendations issued, before Engage
    date(2024, 1, 15),   # Engage, every finding open
    date(2024, 7, 23),   # the day three causes of concern closed
    date(2024, 9, 17),   # the day recommendations closed, the last of Engage
    date(2024, 9, 18),   # back to Scan
    date.today(),
])
def test_seed_graph_state_equals_state_on_date_rq(server, day: date) -> None:
    expected = sparql_state(server, WEST_MIDLANDS, day)
    assert api_state(server, WEST_MIDLANDS, day) == expected
    if day == date(2024, 1, 15):  # the comparison is not between two empty answers
        assert len(expected["open_causes_of_concern"]) >= 2 and expected["open_recommendations"]
        assert expected["phase"] == [ID + "concept/monitoring-phase/engage"]


def test_fixture_state_equals_state_on_date_rq(fixture_server) -> None:
    """On the fixture dataset, every day from before its findings to after their closure (this test
    also runs over the remote backend, test_remote_backend.py)."""
    days = [date(2023, 9, 1) + timedelta(days=n) for n in range(0, 240, 10)] + boundary_days(fixture_server)[FIXTURE_FORCE]
    answers = {day: sparql_state(fixture_server, FIXTURE_FORCE, day) for day in days}
    assert {day: api_state(fixture_server, FIXTURE_FORCE, day) for day in days} == answers
    assert len({str(a) for a in answers.values()}) >= 3  # the state changes over these days


# -- a generated graph: many forces, many dates ---------------------------------------------------
@pytest.fixture(scope="module")
def generated_server(tmp_path_factory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("state-index") / "g.trig"
    done = run_cli("generate", "--triples", "20000", "--seed", "5", "-o", str(path))
    assert done.returncode == 0, done.stderr
    srv = start_server("--data", str(path))
    yield srv
    srv.stop()


def test_generated_graph_state_equals_state_on_date_rq(generated_server) -> None:
    forces = requests.get(generated_server.url + "/sparql", timeout=30, headers={"Accept": "application/sparql-results+json"},
                          params={"query": "SELECT ?f WHERE { ?f a <https://w3id.org/oversight/def/oversight#PoliceForce> }"})
    forces = sorted(b["f"]["value"] for b in forces.json()["results"]["bindings"])
    assert len(forces) >= 10
    days = [date(2023, 7, 1) + timedelta(days=41 * n) for n in range(28)]  # the data's years (2024-2025) and round them
    edges = boundary_days(generated_server)
    assert sum(map(len, edges.values())) > 100
    compared, non_empty, with_findings = 0, 0, 0
    for i, force in enumerate(forces):
        for day in days[i % 4::4] + edges.get(force, []):
            expected = sparql_state(generated_server, force, day)
            assert api_state(generated_server, force, day) == expected, (force, day)
            compared += 1
            non_empty += any(expected.values())
            with_findings += bool(expected["open_causes_of_concern"] or expected["open_recommendations"])
    assert compared >= 400 and non_empty >= compared // 2 and with_findings >= 10


# -- a write rebuilds the index -------------------------------------------------------------------
@pytest.fixture(scope="module")
def writable_fixture(tmp_path_factory) -> Iterator[Server]:
    token = tmp_path_factory.mktemp("state-write") / "token"
    token.write_text(TOKEN + "\n")
    srv = start_server("--write-token-file", str(token), env={"OVERSIGHT_DATA_DIR": str(FIXTURE_DATA)})
    yield srv
    srv.stop()


def test_a_write_changes_the_state(writable_fixture) -> None:
    cause = ID + "cause-of-concern/fixture-force/2023-investigations"
    closure = ID + "event/fixture-force/2024-03-closure"
    day = date(2024, 3, 2)  # the day after the closure
    before = api_state(writable_fixture, FIXTURE_FORCE, day)
    assert cause not in before["open_causes_of_concern"]
    triples_before = home_triples(writable_fixture)
    reply = update(writable_fixture, f"DELETE WHERE {{ GRAPH ?g {{ <{closure}> "
                                     f"<https://w3id.org/oversight/def/oversight#closes> <{cause}> }} }}", AUTH)
    assert reply.status_code in (200, 204), reply.text
    after = api_state(writable_fixture, FIXTURE_FORCE, day)
    assert after["open_causes_of_concern"] == [cause] and after == sparql_state(writable_fixture, FIXTURE_FORCE, day)
    assert home_triples(writable_fixture) == triples_before - 1  # the home page's counts follow the write too


def home_triples(server: Server) -> int:
    page = requests.get(server.url + "/", timeout=30)
    assert page.status_code == 200
    return int(re.search(r"<strong>(\d+)</strong> triples", page.text).group(1))


# -- edge cases the generated data does not have ---------------------------------------------------
EDGES = """@prefix og: <https://w3id.org/oversight/def/oversight#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/> .
:force a og:PoliceForce .
:p1 a og:MonitoringPeriod ; og:force :force ; og:phase :engage ; og:earliestDate "2024-01-10"^^xsd:date ;
    og:latestDate "2024-02-10"^^xsd:date .
:p2 a og:MonitoringPeriod ; og:force :force ; og:phase :scan ; og:earliestDate "2024-02-05"^^xsd:date .
:twice a og:CauseOfConcern ; og:issuedTo :force ; dct:issued "2024-01-12"^^xsd:date .
:c1 og:closes :twice ; og:latestDate "2024-03-01"^^xsd:date .
:c2 og:closes :twice ; og:latestDate "2024-02-20"^^xsd:date .
:both a og:CauseOfConcern, og:Recommendation ; og:issuedTo :force ; og:publishedIn :doc ; prov:wasGeneratedBy :insp .
:doc og:earliestDate "2024-01-20"^^xsd:date .
:insp og:latestDate "2024-01-05"^^xsd:date .
:undated a og:Recommendation ; og:issuedTo :force .
# Dates that are not plain xsd:date values: this force is answered by state-on-date.rq itself.
:odd a og:PoliceForce .
:p3 a og:MonitoringPeriod ; og:force :odd ; og:phase :engage ; og:earliestDate "2024"^^xsd:gYear .
:yearly a og:Recommendation ; og:issuedTo :odd ; dct:issued "2024"^^xsd:gYear .
:tz a og:Recommendation ; og:issuedTo :odd ; dct:issued "2024-01-15Z"^^xsd:date .
:monthly a og:Recommendation ; og:issuedTo :odd ; dct:issued "2024-01-15"^^xsd:date .
:c3 og:closes :monthly ; og:latestDate "2024-02"^^xsd:gYearMonth .
"""


def test_edge_cases_follow_the_sparql_semantics() -> None:
    """Two closures (the earliest counts), an open period, overlapping periods, a finding of two
    classes, issue dates from the document rather than the inspection, no date at all; and a force
    with values that are not plain xsd:date, answered by the query itself."""
    from oversight import named, state_index
    from oversight.store import Store

    store = Store()
    store.oxigraph.load(EDGES.encode(), format=ox.RdfFormat.TURTLE)
    store.update("INSERT DATA {}")  # a new data version (load() on the raw store does not move it)
    for force in ("https://example.org/force", "https://example.org/odd"):
        for day in (date(2024, 1, 1) + timedelta(days=n) for n in range(75)):
            expected = named.run(store, "state-on-date", {"force": ox.NamedNode(force), "date": day})
            assert state_index.state_rows(store, force, day) == expected, (force, day)
    on = lambda d: {r["item"].value.rsplit("/", 1)[-1]  # noqa: E731
                    for r in state_index.state_rows(store, "https://example.org/force", d)}
    assert on(date(2024, 2, 7)) == {"engage", "scan", "twice", "both", "undated"}
    assert on(date(2024, 2, 20)) == {"scan", "both", "undated"}
    by_force = state_index.index_for(store).by_force
    assert by_force[ox.NamedNode("https://example.org/force")].exact
    assert not by_force[ox.NamedNode("https://example.org/odd")].exact
    assert state_index.state_rows(store, "https://example.org/elsewhere", date(2024, 2, 7)) == []
