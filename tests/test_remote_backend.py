"""`--backend sparql`: the service over a real Oxigraph server process, loaded through the Graph Store
Protocol; the competency-question tests run unchanged through our service on that backend."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

import test_competency_questions as cq
import test_pages
import test_state_index
import test_statements_api
import test_timeline
from conftest import FIXTURE_DATA, REPO, Server, free_port, run_cli, start_server
from oversight.loader import archived_text_quads, seed_sources
from oversight.remote import SERVICE_GRAPH, RemoteStore

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server (PyPI `oxigraph`, test extra) is not installed")


@contextmanager
def oxigraph_holding(data_dir: Path, location: Path) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, its default graph the union of its named graphs,
    holding the graph_data layout at `data_dir` loaded through the Graph Store Protocol."""
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                                "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(url + "/query", params={"query": "ASK {}"}, timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        for source in seed_sources(REPO / "ontology", data_dir):
            response = requests.post(url + "/store", params={"graph": source.graph}, data=source.path.read_bytes(),
                                     headers={"Content-Type": "text/turtle"}, timeout=30)
            assert response.status_code in (200, 201, 204), response.text
        texts = ox.serialize(archived_text_quads(data_dir), format=ox.RdfFormat.N_QUADS)
        response = requests.post(url + "/store", data=texts, headers={"Content-Type": "application/n-quads"}, timeout=30)
        assert response.status_code in (200, 201, 204), response.text
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    with oxigraph_holding(REPO / "graph_data", tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def server(oxigraph_server) -> Iterator[Server]:
    """Our service with no data of its own, over the Oxigraph server (named `server` so that the
    competency-question tests below use it)."""
    srv = start_server("--backend", "sparql", "--query-url", oxigraph_server + "/query")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory) -> Iterator[Server]:
    """The same over the invented fixture dataset, for the pages, statements API and timeline tests."""
    with oxigraph_holding(FIXTURE_DATA, tmp_path_factory.mktemp("oxigraph-fixture")) as url:
        srv = start_server("--backend", "sparql", "--query-url", url + "/query")
        yield srv
        srv.stop()


# The competency-question, pages, statements API and timeline tests, unchanged, collected here
# again so that they run on this backend (the fixtures above replace the embedded-store servers).
for _module in (cq, test_pages, test_statements_api, test_timeline):
    globals().update({name: test for name, test in vars(_module).items()
                      if name.startswith("test_") and name != "test_every_competency_question_has_a_commented_query"})
# The state index over the remote store, checked against state-on-date.rq run by the Oxigraph server.
test_seed_graph_state_equals_state_on_date_rq = test_state_index.test_seed_graph_state_equals_state_on_date_rq
test_fixture_state_equals_state_on_date_rq = test_state_index.test_fixture_state_equals_state_on_date_rq


def test_same_quads_as_the_embedded_store(server, oxigraph_server, tmp_path):
    remote, embedded = tmp_path / "remote.nq", tmp_path / "embedded.nq"
    done = run_cli("export", "--backend", "sparql", "--query-url", oxigraph_server + "/query",
                   "--format", "nquads", "-o", str(remote))
    assert done.returncode == 0, done.stderr
    assert run_cli("export", "--format", "nquads", "-o", str(embedded)).returncode == 0
    assert anonymised(remote) == anonymised(embedded) and len(anonymised(remote)) > 500


def anonymised(path: Path) -> list[str]:
    """The quads of a file with blank nodes all alike (each store labels them its own way)."""
    term = lambda t: "_" if isinstance(t, ox.BlankNode) else str(t)  # noqa: E731
    return sorted(" ".join(map(term, (q.subject, q.predicate, q.object, q.graph_name)))
                  for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def test_graph_store_reads_and_errors_go_through_the_backend(server):
    graph = "https://w3id.org/oversight/data/reference"
    response = requests.get(server.url + "/sparql/graph", params={"graph": graph},
                            headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200 and b"west-midlands" in response.content
    missing = requests.get(server.url + "/sparql/graph", params={"graph": "https://example.org/none"}, timeout=30)
    assert missing.status_code == 404
    malformed = requests.post(server.url + "/sparql", data={"query": "SELECT ?x WHERE {"}, timeout=30)
    assert malformed.status_code == 400 and "Traceback" not in malformed.text


def test_a_write_moves_the_shared_version_on_for_every_replica(server, oxigraph_server):
    writer = RemoteStore(oxigraph_server + "/query", oxigraph_server + "/update", version_ttl_s=0)
    reader = RemoteStore(oxigraph_server + "/query", version_ttl_s=0)  # another replica, read-only
    before = requests.get(server.url + "/readyz", timeout=10).json()["data_version"]
    writer.update('INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> '
                  '<https://example.org/p> "written through one replica" } }')
    try:
        assert reader.version == writer.version != before
        assert "https://example.org/g" in reader.named_graphs() and SERVICE_GRAPH not in reader.named_graphs()
        time.sleep(1.1)  # the service re-reads the version at most once a second
        assert requests.get(server.url + "/readyz", timeout=10).json()["data_version"] == writer.version
        with pytest.raises(Exception, match="read-only"):
            reader.update("CLEAR ALL")
    finally:
        writer.update("DROP SILENT GRAPH <https://example.org/g>")


@pytest.mark.parametrize("args, message", [
    (["--backend", "sparql"], "needs --query-url"),
    (["--backend", "sparql", "--query-url", "http://127.0.0.1:9/query", "--data", "x.trig"], "serves the remote store as it is"),
    (["--query-url", "http://127.0.0.1:9/query"], "need --backend sparql"),
])
def test_backend_option_errors(args, message):
    done = run_cli("stats", *args)
    assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr


def test_unreachable_backend_is_a_one_line_error():
    done = run_cli("stats", "--backend", "sparql", "--query-url", f"http://127.0.0.1:{free_port()}/query")
    assert done.returncode == 2 and "cannot be reached" in done.stderr and "Traceback" not in done.stderr


def test_replicas_behind_a_cdn_agree_on_validators(oxigraph_server):
    """Two stateless replicas over one store: same ETag for the same request (a CDN or a client can
    revalidate against either), and Cache-Control lets the CDN keep responses for --shared-cache-s."""
    replicas = [start_server("--backend", "sparql", "--query-url", oxigraph_server + "/query",
                             "--shared-cache-s", "60") for _ in range(2)]
    try:
        query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/oversight/def/oversight#Statement> }"}
        host = {"Host": "oversight.example"}  # as a load balancer forwards it to every replica
        answers = [requests.get(r.url + "/sparql", params=query, headers=host, timeout=30) for r in replicas]
        assert all(a.status_code == 200 for a in answers)
        assert answers[0].headers["ETag"] == answers[1].headers["ETag"]
        assert answers[0].json() == answers[1].json()
        cache_control = {d.strip() for d in answers[0].headers["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "s-maxage=60"} <= cache_control
        again = requests.get(replicas[1].url + "/sparql", params=query, timeout=30,
                             headers={**host, "If-None-Match": answers[0].headers["ETag"]})
        assert again.status_code == 304
    finally:
        for r in replicas:
            r.stop()


def test_a_backend_that_goes_away_is_a_502_not_a_500(tmp_path):
    """When the shared store stops answering, the replica says so as a gateway error: 502 from the
    endpoint and the pages, 503 from /readyz (so a load balancer takes it out), never a traceback."""
    with oxigraph_holding(FIXTURE_DATA, tmp_path / "oxigraph") as url:
        srv = start_server("--backend", "sparql", "--query-url", url + "/query")
    try:  # the Oxigraph server has stopped here
        query = requests.get(srv.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, timeout=30)
        page = requests.get(srv.url + "/query", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        # The statements index (built in the background at start) serves the data version last read,
        # which is trusted for version_ttl_s (1 s), as cached answers are: ask once that has passed.
        time.sleep(1.2)
        api = requests.get(srv.url + "/api/statements", timeout=30)
        ready = requests.get(srv.url + "/readyz", timeout=30)
    finally:
        srv.stop()
    assert query.status_code == 502 and "cannot be reached" in query.text, query.text
    assert page.status_code == 502 and "cannot be reached" in page.text
    assert api.status_code == 502 and "Traceback" not in api.text
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
