"""Fuzz: at least 10,000 generated and mutated requests against the running server (issue 7, done-when).

Queries, updates, headers, bodies, media types, methods and paths come from hypothesis, in batches
sent concurrently over keep-alive sessions. No answer may be a 5xx, the server must stay up, and
the data must be exactly as before (the fuzzer never has the write token).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from conftest import Server
from writing import GRAPH, TOKEN, checksum, start_writable

# 100 batches of 25 generated requests, each also sent to 3 other paths: 10,000 requests. (Hypothesis
# draws cost about as much as the requests; re-aiming each one keeps the test near a minute.)
GENERATED, AIMS, BATCHES, CLIENTS = 25, 4, 100, 8

QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://example.org/note/1>",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
    "SELECT ?o WHERE { ?s <http://example.org/text> ?o FILTER(REGEX(?o, '^note [0-9]+$')) } ORDER BY DESC(?o)",
    "SELECT ?s (GROUP_CONCAT(?o) AS ?all) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(?o) > 0)",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { OPTIONAL { ?s ex:text ?t } BIND(STRLEN(?t) AS ?n) VALUES ?x { 1 2 } }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/graph/notes> WHERE { ?s ?p ?o }",
    f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/x> <http://example.org/text> 'fuzz' }} }}",
    f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
    "DROP ALL", "CLEAR DEFAULT", "LOAD <http://127.0.0.1:1/data.ttl>",
    "SELECT * WHERE " + "{" * 300 + " ?s ?p ?o " + "}" * 300,
    "SELECT * WHERE { ?s ?p 'unterminated }",
    "",
]
PATHS = ["/sparql", "/sparql/", "/update", "/sparql/graph", "/readyz", "/healthz", "/metrics", "/", "/void",
         "/id/person/someone", "/def/oversight", "/data/reference", "/statements", "/timeline", "/search"]
MEDIA_TYPES = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
               "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
               "application/trig", "application/sparql-results+json", "text/csv", "text/html", "*/*",
               "multipart/form-data; boundary=x", "application/json", "text/plain; charset=latin-1", "image/png"]
PARAMETERS = ["query", "update", "default-graph-uri", "named-graph-uri", "using-graph-uri", "format", "output",
              "graph", "default", "q", "page", "callback"]
WRONG_AUTH = [f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}0", "Bearer", "Basic dXNlcjpwYXNz", f"Token {TOKEN}", ""]

OVERSIZED = b"x" * 1_100_000  # past the 1 MB body limit: 413

header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.lstrip)  # what HTTP allows
any_text = st.text(max_size=80)


# Strategies are built once, here: building them inside each draw costs more than the HTTP requests.
EDITS = st.sampled_from(["insert", "delete", "replace"])
CHUNKS = st.sampled_from(["{", "}", "(", ")", "\"", "'", "<", ">", "?", "\\", "#", "\x00", "é", "\ud7ff",
                          " UNION ", " SERVICE ", " LIMIT -1 ", "%", "\n"]) | any_text


@st.composite
def mutated(draw, base: st.SearchStrategy[str]) -> str:
    """A string with a few characters inserted, deleted or replaced (the way broken queries look)."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        edit, chunk = draw(EDITS), draw(CHUNKS)
        if edit == "insert":
            text = text[:at] + chunk + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + len(chunk):]
        else:
            text = text[:at] + chunk + text[at + len(chunk):]
    return text


sparql_text = mutated(st.sampled_from(QUERIES)) | st.sampled_from(QUERIES) | any_text


@dataclass
class Fuzzed:
    method: str
    path: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes | None = field(repr=False)


METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "PROPFIND"])
PATH = st.sampled_from(PATHS) | st.builds(lambda p, t: p + quote(t), st.sampled_from(PATHS), any_text)
PARAMS = st.lists(st.tuples(st.sampled_from(PARAMETERS), sparql_text), max_size=3)
ACCEPT = st.none() | st.sampled_from(MEDIA_TYPES) | header_text | st.just("text/csv;q=0.5, */*;q=0.1")
CONTENT_TYPE = st.none() | st.sampled_from(MEDIA_TYPES) | header_text
AUTHORIZATION = st.none() | st.none() | st.sampled_from(WRONG_AUTH) | header_text
OTHER_HEADERS = st.dictionaries(st.sampled_from(["If-None-Match", "If-Modified-Since", "Origin", "Range",
                                                 "X-Forwarded-For"]), header_text, max_size=2)
BODY = (st.none()
        | sparql_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
        | st.builds(lambda k, v: f"{k}={quote(v)}".encode(), st.sampled_from(PARAMETERS), sparql_text)
        | st.binary(max_size=200)
        | st.sampled_from([b"\xff\xfe\x00bad utf-8", OVERSIZED,
                           b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><r>&e;</r>"]))


def _request(method, path, params, accept, content_type, authorization, others, body) -> Fuzzed:
    named = {"Accept": accept, "Content-Type": content_type, "Authorization": authorization}
    headers = {**others, **{k: v for k, v in named.items() if v is not None}}
    return Fuzzed(method, path, params, headers, body)


fuzzed_requests = st.builds(_request, METHODS, PATH, PARAMS, ACCEPT, CONTENT_TYPE, AUTHORIZATION, OTHER_HEADERS, BODY)


class Sender:
    """Sends batches concurrently, one keep-alive session per client thread, and keeps the tally."""

    def __init__(self, url: str):
        self.url, self.sent, self.failures = url, 0, []
        self._local, self._lock = threading.local(), threading.Lock()
        self.pool = ThreadPoolExecutor(CLIENTS)

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def send(self, request: Fuzzed) -> None:
        status: int | str = "not sent"
        for attempt in range(2):
            try:
                reply = self._session().request(request.method, self.url + request.path, params=request.params,
                                                headers=request.headers, data=request.body, timeout=30,
                                                allow_redirects=False)
                status = reply.status_code
                break
            except requests.ConnectionError as err:
                # The server closes idle keep-alive connections (after 2 s) and connections whose body it
                # refused (413); a client reusing one just then retries once on a new connection, as
                # browsers do. A crash fails both attempts, and the final liveness check.
                status = "closed" if request.body and len(request.body) > 1_000_000 else f"connection error: {err}"
                self._local.session = requests.Session()
        with self._lock:
            self.sent += 1
            if not isinstance(status, int) and status != "closed" or isinstance(status, int) and status >= 500:
                self.failures.append((status, request))

    def batch(self, generated: list[Fuzzed]) -> None:
        list(self.pool.map(self.send, [aimed for request in generated for aimed in _aimed(request)]))


def _aimed(request: Fuzzed) -> list[Fuzzed]:
    """The request as generated, and the same request sent to the next AIMS - 1 paths."""
    start = PATHS.index(request.path) if request.path in PATHS else 0
    others = [PATHS[(start + i) % len(PATHS)] for i in range(1, AIMS)]
    return [request] + [Fuzzed(request.method, path, request.params, request.headers, request.body) for path in others]


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Iterator[tuple[Server, Sender]]:
    srv = start_writable(tmp_path_factory.mktemp("fuzz"), "--threads", "8")
    sender = Sender(srv.url)
    yield srv, sender
    sender.pool.shutdown()
    srv.stop()


def test_ten_thousand_hostile_requests_no_5xx_no_crash_data_unchanged(target) -> None:
    srv, sender = target
    before = checksum(srv)

    # No shrinking: a failing batch is reported as it is (shrinking 100 HTTP requests takes minutes).
    @settings(max_examples=BATCHES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(st.lists(fuzzed_requests, min_size=GENERATED, max_size=GENERATED))
    def fuzz(batch: list[Fuzzed]) -> None:
        sender.batch(batch)
        assert not sender.failures, [(status, r.method, r.path, r.params, r.headers, (r.body or b"")[:200])
                                     for status, r in sender.failures[:3]]

    fuzz()
    assert sender.sent >= 10_000
    assert srv.process.poll() is None and requests.get(srv.url + "/healthz", timeout=10).ok
    assert checksum(srv) == before
