"""The statements index answers exactly what statements.rq answers, and follows every write."""

from __future__ import annotations

import time
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


def api(server, **params) -> requests.Response:
    response = requests.get(server.url + "/api/statements", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response


def wait_for_index(server, **params) -> requests.Response:
    """The answer once the index of the current data serves it (built in the background)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = api(server, **params)
        if response.headers["X-Oversight-Index"] == "hit":
            return response
        assert response.headers["X-Oversight-Index"] == "building"
        time.sleep(0.05)
    raise AssertionError("the statements index was not built within 30 s")


def pairs(response: requests.Response) -> set[tuple[str, str]]:
    return {(r["statement"], r["occurrence"]) for r in response.json()["results"]}


def test_statements_api_over_http_answers_from_the_index_and_follows_a_write(generated, tmp_path):
    token = tmp_path / "token"
    token.write_text("statements-index-token-0123456789\n")
    server = start_server("--data", str(generated), "--write-token-file", str(token))
    try:
        window = {"from": "2024-07-01", "to": "2024-12-31"}
        response = wait_for_index(server, **window)
        results = response.json()["results"]
        store = Store()
        store.load([RdfSource(generated)])
        expected = {(r["statement"].value, r["occurrence"].value)
                    for r in named.run(store, "statements", {"from": date(2024, 7, 1), "to": date(2024, 12, 31)})}
        assert pairs(response) == expected and expected
        assert [r["earliest"] for r in results] == sorted(r["earliest"] for r in results)

        # Reword one statement of that window: the very next answer (while the index of the new
        # data is being built, from statements.rq) and every later one (from the index) follow it.
        reworded, word = results[0]["statement"], "zanzibarquux"
        assert api(server, q=word).json()["results"] == []
        update = f"""PREFIX schema: <http://schema.org/>
            DELETE {{ GRAPH ?g {{ ?s schema:text ?text }} }}
            INSERT {{ GRAPH ?g {{ ?s schema:text "The {word} plan was agreed."@en }} }}
            WHERE {{ GRAPH ?g {{ ?s schema:text ?text . FILTER(?s = <{reworded}>) }} }}"""
        written = requests.post(server.url + "/update", data={"update": update}, timeout=30,
                                headers={"Authorization": "Bearer statements-index-token-0123456789"})
        assert written.status_code in (200, 204), written.text
        first = api(server, q=word.upper())
        assert first.headers["X-Oversight-Index"] == "building"  # the old index is not used
        assert {s for s, _ in pairs(first)} == {reworded}
        later = wait_for_index(server, q=word)
        assert later.json()["results"] == first.json()["results"]
        texts = {r["statement"]: r["text"] for r in wait_for_index(server, **window).json()["results"]}
        assert texts[reworded] == f"The {word} plan was agreed."
    finally:
        server.stop()


def test_the_request_path_answers_while_the_index_builds(store):
    """statements_index.answer never waits: after a write it answers from statements.rq."""
    statements_index.index_for(store)
    params = {"from": date(2024, 7, 1), "to": date(2024, 12, 31)}
    rows, path = statements_index.answer(store, params)
    assert path == "hit" and keys(rows) == keys(named.run(store, "statements", params))
    store.update("DELETE WHERE { GRAPH ?g { ?s <https://w3id.org/oversight/def/oversight#speaker> ?p } }")
    rows, path = statements_index.answer(store, params)
    assert path == "building" and rows == []  # no statement has a speaker any more: none is listed
    statements_index.index_for(store)
    assert statements_index.answer(store, params) == ([], "hit")
