"""The on-disk store under faults: SIGKILL during a write, and directories that cannot be used (issue 7 item 3)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conftest import run_cli
from writing import GRAPH, kill_tree, start_writable, update

BATCH = 5_000  # triples per write: big enough that the kill lands while it is in flight


def stored_count(store: Path) -> int:
    done = run_cli("query", "--store", str(store), "--format", "csv",
                   f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[1])


@pytest.mark.parametrize("delay", [0.1, 2.0])
def test_sigkill_during_a_write_leaves_it_all_in_or_all_out(tmp_path: Path, delay: float) -> None:
    store = tmp_path / "store"
    srv = start_writable(tmp_path, "--store", str(store))
    before = int(requests.post(srv.url + "/sparql", headers={"Accept": "text/csv"}, timeout=30, data={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"}).text.split()[1])
    triples = " ".join(f"<http://example.org/k/{i}> <http://example.org/text> 'k{i}' ." for i in range(BATCH))
    writer = threading.Thread(target=lambda: _quietly(update, srv, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}"))
    writer.start()
    time.sleep(delay)
    kill_tree(srv.process.pid)
    srv.process.wait()
    writer.join()
    after = stored_count(store)  # reopens cleanly, with no repair step
    assert after in (before, before + BATCH)
    # ...and the server starts on it again.
    again = start_writable(tmp_path, "--store", str(store))
    try:
        assert requests.get(again.url + "/readyz", timeout=10).json()["status"] == "ready"
    finally:
        again.stop()


def _quietly(action, *args) -> None:
    try:
        action(*args)
    except requests.RequestException:
        pass  # the server was killed under the request: that is the point


def _corrupt(path: Path) -> Path:
    path.mkdir()
    (path / "CURRENT").write_text("not a manifest name\n")
    return path


def _file(path: Path) -> Path:
    path.write_text("a file, not a store\n")
    return path


def _missing_parent(path: Path) -> Path:
    return path / "no" / "such" / "parent" / "store"


@pytest.mark.parametrize("make,message", [(_corrupt, "cannot open the store"), (_file, "is a file"),
                                          (_missing_parent, "cannot open the store")])
def test_unusable_store_directory_is_one_clear_line(tmp_path: Path, make, message: str) -> None:
    store = make(tmp_path / "store")
    for command in (["stats"], ["serve", "--port", "0"]):
        done = run_cli(*command, "--store", str(store))
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("oversight: error:"), done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr


def test_locked_store_directory_is_one_clear_line(tmp_path: Path) -> None:
    holder = ox.Store(str(tmp_path / "store"))  # another process (this one) has it open
    done = run_cli("stats", "--store", str(tmp_path / "store"))
    del holder
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot open the store" in done.stderr and "lock" in done.stderr.lower()
