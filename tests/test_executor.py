"""Query limits (executor.py) through the public interface: a real server with small limits, and the app.

A query that would run for minutes is stopped, its process killed, and the server keeps answering;
hostile queries (too long, too deep) get a 400; row and size caps are stated in the response;
results are cached per data version and stream when large.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import Server, start_server
from oversight.app import create_app
from oversight.config import Settings
from oversight.store import RdfSource, Store

EX = "http://example.org/"
TIMEOUT_S = 2.0
MAX_ROWS = 5
# A four-way cross join over 200 triples: 1.6e9 solutions to count, minutes of work.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


def write_data(path: Path, triples: int) -> Path:
    path.write_text("".join(f'<{EX}s{i}> <{EX}p> "value {i}" .\n' for i in range(triples)))
    return path


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    return write_data(tmp_path_factory.mktemp("executor") / "data.nt", 200)


@pytest.fixture(scope="module")
def limited(data_file: Path):
    srv = start_server("--data", str(data_file), "--query-timeout-s", str(TIMEOUT_S), "--max-result-rows", str(MAX_ROWS),
                       "--query-processes", "2", "--max-query-bytes", "20000", "--threads", "4")
    yield srv
    srv.stop()


def ask(srv: Server, query: str, accept: str = "application/sparql-results+json", **kwargs) -> requests.Response:
    return requests.post(srv.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=30, **kwargs)


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_endless_query_is_stopped_and_its_process_killed(limited: Server) -> None:
    assert ask(limited, "ASK { ?s ?p ?o }").json()["boolean"] is True  # a query process now exists
    before = descendants(limited.process.pid)
    started = time.monotonic()
    response = ask(limited, ENDLESS)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "time limit" in response.text
    assert elapsed < TIMEOUT_S + 1
    # The process that ran it is gone (its CPU and memory freed), and the server answers at once.
    gone = before - descendants(limited.process.pid)
    assert gone, "the query process that timed out should have been killed"
    assert not any(Path(f"/proc/{pid}").exists() for pid in gone)  # killed and reaped
    started = time.monotonic()
    rows = ask(limited, "SELECT ?o WHERE { <http://example.org/s7> ?p ?o }").json()["results"]["bindings"]
    assert rows == [{"o": {"type": "literal", "value": "value 7"}}]
    assert time.monotonic() - started < TIMEOUT_S


def test_other_queries_are_answered_while_one_runs_long(limited: Server) -> None:
    def timed_ask(query: str) -> tuple[requests.Response, float]:
        response = ask(limited, query)
        return response, time.monotonic()

    with ThreadPoolExecutor(max_workers=1) as pool:
        endless = pool.submit(timed_ask, ENDLESS)
        time.sleep(0.2)
        response, answered = timed_ask("SELECT ?o WHERE { <http://example.org/s2> ?p ?o }")
        assert response.json()["results"]["bindings"][0]["o"]["value"] == "value 2"
        stopped, ended = endless.result()
    assert stopped.status_code == 503
    assert answered < ended  # answered while the long query still ran


def test_deep_nesting_is_rejected_cleanly(limited: Server) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    response = ask(limited, deep)
    assert response.status_code == 400
    assert "nests deeper than 64 levels" in response.text
    assert ask(limited, "ASK { }").status_code == 200


def test_brackets_inside_strings_iris_and_comments_do_not_count(limited: Server) -> None:
    query = 'SELECT ?o WHERE { # ' + "{" * 100 + '\n ?s <http://example.org/p> ?o FILTER(?o != "' + "((((" * 30 + '") } LIMIT 1'
    assert ask(limited, query).status_code == 200


def test_hostile_strings_do_not_stall_the_depth_check(limited: Server) -> None:
    # An unterminated string of escapes once made the depth scan quadratic (a minute for 60 kB), in
    # the worker where no timeout reaches; oxigraph's own parser is slow on it too, but that runs in
    # a query process, under the timeout.
    started = time.monotonic()
    assert ask(limited, "ASK { ?s ?p " + '\\"' * 9_000 + " }").status_code in (400, 503)
    assert time.monotonic() - started < TIMEOUT_S + 1
    assert ask(limited, "ASK { }").status_code == 200


def test_overlong_query_is_rejected(limited: Server) -> None:
    response = ask(limited, "ASK { }" + " " * 20_001)
    assert response.status_code == 400
    assert "the limit is 20000" in response.text


def test_row_cap_is_stated(limited: Server) -> None:
    response = ask(limited, ALL)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["X-Oversight-Truncated"] == f"max-result-rows={MAX_ROWS}"
    assert response.headers["X-Oversight-Result-Rows"] == str(MAX_ROWS)
    csv = ask(limited, ALL, accept="text/csv")
    assert csv.text.count("\r\n") == MAX_ROWS + 1  # header and the rows that fit
    graph = ask(limited, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert graph.text.count("\n") == MAX_ROWS and graph.headers["X-Oversight-Truncated"]


def test_result_within_the_cap_is_not_marked(limited: Server) -> None:
    response = ask(limited, f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert "X-Oversight-Truncated" not in response.headers


def test_repeated_query_is_answered_from_the_cache(limited: Server) -> None:
    query = "SELECT ?o WHERE { <http://example.org/s3> ?p ?o }"
    first, second = ask(limited, query), ask(limited, query)
    assert second.headers["X-Oversight-Cache"] == "hit"
    assert first.content == second.content
    assert ask(limited, query, accept="text/tab-separated-values").text == '?o\n"value 3"\n'


@pytest.fixture(scope="module")
def tight(data_file: Path):
    """Small size and memory caps, set partly through the environment."""
    srv = start_server("--data", str(data_file), "--max-response-bytes", "300", "--query-processes", "1",
                       env={"OVERSIGHT_QUERY_TIMEOUT_S": "10", "OVERSIGHT_QUERY_MEMORY_BYTES": "50000000"})
    yield srv
    srv.stop()


def test_response_size_cap_is_stated(tight: Server) -> None:
    response = ask(tight, ALL, accept="text/tab-separated-values")
    assert response.headers["X-Oversight-Truncated"] == "max-response-bytes=300"
    assert 0 < len(response.content) <= 300 and response.text.endswith('"\n')  # whole rows only
    assert int(response.headers["X-Oversight-Result-Rows"]) == response.text.count("\n") - 1


def test_query_past_its_memory_budget_fails_alone(tight: Server) -> None:
    # Sorting a 200^3 cross join needs far more than 50 MB.
    response = ask(tight, "SELECT ?a ?c ?e WHERE { ?a ?b ?c . ?d ?x ?e . ?f ?y ?g } ORDER BY ?c ?e ?g")
    assert response.status_code == 503
    assert "memory" in response.text
    assert ask(tight, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_on_disk_store_is_queried_by_the_query_processes(data_file: Path, tmp_path: Path) -> None:
    srv = start_server("--store", str(tmp_path / "store"), "--data", str(data_file), "--query-processes", "1")
    try:
        response = ask(srv, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "200"
    finally:
        srv.stop()


# -- through the app factory (Flask test client): the same executor, in the test process --------
def app_with_store(tmp_path: Path, timeout_s: float = 30.0):
    store = Store()
    store.load([RdfSource(write_data(tmp_path / "big.nt", 30_000))])
    settings = Settings(sources=[RdfSource(tmp_path / "big.nt")], query_timeout_s=timeout_s, query_processes=1)
    return create_app(settings, store), store


@pytest.fixture
def app_and_store(tmp_path: Path):
    return app_with_store(tmp_path)


def test_test_client_gets_the_timeout_too(tmp_path: Path) -> None:
    app, _ = app_with_store(tmp_path, TIMEOUT_S)
    response = app.test_client().post("/sparql", data={"query": ENDLESS})
    assert response.status_code == 503
    assert app.test_client().post("/sparql", data={"query": "ASK { }"}).status_code == 200


def test_large_result_streams_whole(app_and_store) -> None:
    app, _ = app_and_store
    response = app.test_client().get("/sparql", query_string={"query": ALL}, headers={"Accept": "application/json"})
    assert response.is_streamed
    assert response.status_code == 200
    bindings = json.loads(response.get_data())["results"]["bindings"]
    assert len(bindings) == 30_000 and bindings[0]["s"]["value"] == EX + "s0"


def test_a_write_invalidates_the_cache(app_and_store) -> None:
    app, store = app_and_store
    client = app.test_client()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    count = lambda: client.post("/sparql", data={"query": query}).json["results"]["bindings"][0]["n"]["value"]  # noqa: E731
    assert count() == "30000" and count() == "30000"
    store.update(f'INSERT DATA {{ <{EX}new> <{EX}p> "added" }}')
    response = client.post("/sparql", data={"query": query})
    assert response.headers["X-Oversight-Cache"] == "miss"
    assert response.json["results"]["bindings"][0]["n"]["value"] == "30001"



def settled(pid: int, count: int, timeout: float = 10.0) -> set[int]:
    """The processes below `pid` once there are `count` of them (a process that is replaced is
    killed and reaped as its answer leaves)."""
    deadline = time.monotonic() + timeout
    while len(found := descendants(pid)) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_query_process_that_made_memory_its_own_is_replaced(data_file: Path) -> None:
    """Scanning the in-memory store copies its pages into the query process; past
    --query-process-retire-bytes the process is replaced after answering (the next query forks a
    new one), so the memory goes back. With the default budget, the same process answers again."""
    def processes_after_each_answer(*args: str, expected: int) -> list[set[int]]:
        srv = start_server("--data", str(data_file), "--query-processes", "1", *args)
        try:
            seen = []
            for n in range(3):
                assert ask(srv, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {n}").json()["results"]["bindings"][0]["n"]["value"] == "200"
                seen.append(settled(srv.process.pid, expected))
            return seen
        finally:
            srv.stop()
    kept = processes_after_each_answer(expected=2)  # the worker and its query process
    assert len(kept[0]) == 2 and kept[0] == kept[1] == kept[2]
    replaced = processes_after_each_answer("--query-process-retire-bytes", "0", expected=1)  # the worker alone
    assert all(len(found) == 1 for found in replaced)
