"""The statements index answers exactly what statements.rq answers, and follows every write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests

from conftest import run_cli, start_server
from oversight import named, statements_index
from oversight.store import RdfSource, Store


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index") / "g.trig"
    assert run_cli("generate", "--triples", "20k", "--seed", "3", "-o", str(path)).returncode == 0
    return path


@pytest.fixture()
def store(generated) -> Store:
    store = Store()
    store.load([RdfSource(generated)])
    return store


def keys(rows) -> list[tuple]:
    return sorted((r["statement"].value, r["occurrence"].value, r["source"].value, r["earliest"].value) for r in rows)


@pytest.mark.parametrize("params", [
    {},
    {"from": date(2024, 7, 1), "to": date(2024, 12, 31)},
    {"from": date(2024, 3, 15), "to": date(2024, 3, 15)},
    {"from": date(2025, 1, 1)},
    {"to": date(2024, 2, 1), "q": "VICTIMS"},
    {"from": date(2024, 1, 1), "to": date(2024, 12, 31), "speaker": "chief constable"},
    {"org": "https://w3id.org/oversight/id/organisation/hmicfrs"},
    {"about": "west midlands", "from": date(2024, 6, 1)},
    {"about": "https://w3id.org/oversight/id/force/west-midlands"},
    {"source": "synthetic-courier", "to": date(2024, 9, 30)},
    {"speaker": "no such person"},
])
def test_same_rows_as_statements_rq(store, params):
    expected = named.run(store, "statements", params)
    found = statements_index.find(store, params)
    assert keys(found) == keys(expected)
    assert [r["earliest"].value for r in found] == sorted(r["earliest"].value for r in found)


def test_a_window_is_not_empty_and_filters_narrow_it(store):
    window = statements_index.statements_between(store, date(2024, 7, 1), date(2024, 12, 31))
    assert len(window) > 20
    assert all(r["latest"].value >= "2024-07-01" and r["earliest"].value <= "2024-12-31" for r in window)
    some = window[0]["speaker"].value
    by_speaker = statements_index.statements_between(store, date(2024, 7, 1), date(2024, 12, 31), speaker=some)
    assert 0 < len(by_speaker) < len(window) and {r["speaker"].value for r in by_speaker} == {some}
    with pytest.raises(TypeError, match="unknown filter"):
        statements_index.statements_between(store, speakr="x")


def test_a_write_rebuilds_the_index(store):
    before = statements_index.index_for(store)
    store.update("""PREFIX og: <https://w3id.org/oversight/def/oversight#>
        PREFIX schema: <http://schema.org/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <https://example.org/g> {
          <https://example.org/s> a og:Statement ; og:speaker <https://example.org/p> ;
            schema:text "a statement written after the index was built"@en ;
            og:earliestDate "2030-01-02"^^xsd:date ; og:latestDate "2030-01-02"^^xsd:date ;
            og:occurrence <https://example.org/o> .
          <https://example.org/o> <http://www.w3.org/ns/oa#hasSource> <https://example.org/d> . } }""")
    rows = statements_index.statements_between(store, date(2030, 1, 1), date(2030, 12, 31))
    assert [r["statement"].value for r in rows] == ["https://example.org/s"]
    assert statements_index.index_for(store) is not before


def test_statements_api_over_http_uses_the_same_answers(generated):
    server = start_server("--data", str(generated))
    try:
        response = requests.get(server.url + "/api/statements", params={"from": "2024-07-01", "to": "2024-12-31"}, timeout=30)
        assert response.status_code == 200
        results = response.json()["results"]
        store = Store()
        store.load([RdfSource(generated)])
        expected = {(r["statement"].value, r["occurrence"].value)
                    for r in named.run(store, "statements", {"from": date(2024, 7, 1), "to": date(2024, 12, 31)})}
        assert {(r["statement"], r["occurrence"]) for r in results} == expected and expected
        assert [r["earliest"] for r in results] == sorted(r["earliest"] for r in results)
    finally:
        server.stop()
