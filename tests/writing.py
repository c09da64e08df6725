"""Shared by the write, durability and fuzz tests: a writable server on small data that conforms
to the shapes, its token, and a checksum of everything it holds."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from conftest import Server, start_server

TOKEN = "curator-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = "http://example.org/graph/notes"
# Small data that conforms to the shapes (no class they target), in a named graph.
SEED = "\n".join(f"<http://example.org/note/{i}> <http://example.org/text> \"note {i}\" ." for i in range(20)) + "\n"
# An obvious violation: ogsh:PersonShape wants a name and an IRI under /id/person/.
VIOLATION = "<http://example.org/bob> a <http://schema.org/Person> ."


def start_writable(tmp: Path, *args: str) -> Server:
    seed = tmp / "notes.ttl"
    seed.write_text(SEED)
    token = tmp / "token"
    token.write_text(TOKEN + "\n")
    return start_server("--graph", f"{GRAPH}={seed}", "--write-token-file", str(token), *args)


@pytest.fixture(scope="module")
def writable(tmp_path_factory) -> Iterator[Server]:
    """A writable server on SEED, per test module (import it into the module to use it)."""
    srv = start_writable(tmp_path_factory.mktemp("writable"))
    yield srv
    srv.stop()


def checksum(server: Server) -> str:
    """SHA-256 of every quad the server holds, sorted (N-Quads lines)."""
    reply = requests.post(server.url + "/sparql", timeout=30, headers={"Accept": "text/tab-separated-values"},
                          data={"query": "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"})
    reply.raise_for_status()
    return hashlib.sha256("\n".join(sorted(reply.text.splitlines()[1:])).encode()).hexdigest()


def count(server: Server, graph: str = GRAPH) -> int:
    reply = requests.post(server.url + "/sparql", timeout=30, headers={"Accept": "text/csv"},
                          data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    reply.raise_for_status()
    return int(reply.text.split()[1])


def update(server: Server, text: str, headers: dict[str, str] = AUTH) -> requests.Response:
    return requests.post(server.url + "/update", data={"update": text}, headers=headers, timeout=60)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant (server main process, worker, query processes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    try:
        os.kill(pid, signal.SIGSTOP)  # no new children while we collect them
    except ProcessLookupError:
        return
    for child in children:
        kill_tree(int(child))
    os.kill(pid, signal.SIGKILL)


@contextmanager
def recording_listener() -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback port that records every connection made to it: (its base URL, the connections).
    For SSRF tests: after the request under test, the list must still be empty."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        time.sleep(0.3)  # a connection the server makes late still counts
        stop.set()
        thread.join()
        listener.close()
