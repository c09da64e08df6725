"""A Store over any SPARQL 1.1 server (`--backend sparql --query-url URL [--update-url URL]`).

The service keeps no data of its own on this backend, so any number of replicas can run behind a
load balancer over one shared triple store (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever).
Results come back as pyoxigraph result objects, so everything above the store (executor, formats,
pages) works unchanged.

What the remote server must do: treat its default graph as the union of its named graphs, as the
embedded store does (Oxigraph `serve --union-default-graph`, Fuseki `tdb2:unionDefaultGraph true`;
Virtuoso and GraphDB query all graphs by default).

The data version lives in the remote store itself, in the graph {base}/data/service
(`<…/data/service> schema:version "…" ; dct:modified "…"`), and moves on in the same request as
every write made through the service, so all replicas agree on it. Each replica re-reads it at most
once per `version_ttl_s`. Writes made to the remote store behind the service's back are only seen
once something moves that version on.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone

import pyoxigraph as ox
import requests

from .namespaces import DATA_BASE
from .store import StoreUnavailable

SERVICE_GRAPH = f"{DATA_BASE}/data/service"
_DCT_MODIFIED = "http://purl.org/dc/terms/modified"
_VERSION = "http://schema.org/version"
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


class BackendError(StoreUnavailable):
    """The remote SPARQL server could not be reached or failed (not the client's fault)."""


class ReadOnlyBackend(Exception):
    """A write was attempted but no update URL is configured."""


class RemoteStore:
    """The Store interface (query, named_graphs, dump, update, version, modified) over SPARQL 1.1."""

    path = None  # nothing on local disk

    def __init__(self, query_url: str, update_url: str | None = None, *, timeout_s: float = 60.0,
                 version_ttl_s: float = 1.0):
        self.query_url, self.update_url = query_url, update_url
        self.timeout_s, self.version_ttl_s = timeout_s, version_ttl_s
        self._lock = threading.Lock()  # held during writes (the executor forks only between them)
        self._session: tuple[int, requests.Session] | None = None
        self._version: tuple[float, str, datetime] | None = None
        self._check_reachable()

    # -- HTTP --------------------------------------------------------------------------------
    def _http(self) -> requests.Session:
        # one session per process: query processes forked by the executor must not share sockets
        import os

        if self._session is None or self._session[0] != os.getpid():
            self._session = (os.getpid(), requests.Session())
        return self._session[1]

    def _post(self, url: str, data: list[tuple[str, str]], accept: str | None = None) -> requests.Response:
        try:
            response = self._http().post(url, data=data, headers={"Accept": accept} if accept else {},
                                         timeout=self.timeout_s)
        except requests.RequestException as err:
            raise BackendError(f"the SPARQL server at {url} cannot be reached: {err}") from None
        if response.status_code == 400:
            # the server's own words for a malformed query: the caller's error, as with the embedded store
            raise SyntaxError(response.text.strip()[:500] or "the SPARQL server rejected the query")
        if response.status_code >= 300:
            raise BackendError(f"the SPARQL server at {url} answered {response.status_code}: {response.text[:300]}")
        return response

    def _check_reachable(self) -> None:
        self.query("ASK {}")

    # -- reading -----------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union_default_graph: bool = True,
        substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
    ) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """Run a query on the server; the dataset parameters travel as SPARQL protocol parameters.
        `union_default_graph` is the server's configuration here (see the module docstring)."""
        if substitutions:
            sparql = substitute(sparql, substitutions)
        params = [("query", sparql)]
        params += [("default-graph-uri", g) for g in default_graph or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        response = self._post(self.query_url, params, _ACCEPT)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        if results_format is not None:
            return ox.parse_query_results(response.content, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if rdf_format is None:
            raise BackendError(f"the SPARQL server answered in an unexpected format {media!r}")
        return _as_query_triples(ox.parse(response.content, format=rdf_format))

    @property
    def oxigraph(self) -> "PatternView":
        """The part of pyoxigraph.Store's read API the service uses, answered over SPARQL."""
        return PatternView(self)

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(r["g"].value for r in rows if r["g"].value != SERVICE_GRAPH)

    def contains_named_graph(self, iri: str) -> bool:
        return iri != SERVICE_GRAPH and bool(self.query(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of one named graph, or of every named graph but the service's own."""
        if graph is not None:
            for t in self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
                yield ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            return
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SERVICE_GRAPH}>) }}")
        for r in rows:
            yield ox.Quad(r["s"], r["p"], r["o"], r["g"])

    def __len__(self) -> int:
        rows = list(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                               f"FILTER(?g != <{SERVICE_GRAPH}>) }}"))
        return int(rows[0]["n"].value)

    def is_empty(self) -> bool:
        return not bool(self.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SERVICE_GRAPH}>) }}"))

    def dump(self, output, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if fmt.supports_datasets:
            ox.serialize(self.quads(graph), output, fmt)
        else:
            quads = self.quads(graph) if graph else self.quads()
            ox.serialize((q.triple for q in quads), output, fmt)

    # -- the data version --------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self._current()[0]

    @property
    def modified(self) -> datetime:
        return self._current()[1]

    def _current(self) -> tuple[str, datetime]:
        cached = self._version
        if cached is not None and time.monotonic() - cached[0] < self.version_ttl_s:
            return cached[1], cached[2]
        rows = list(self.query(f"SELECT ?v ?m WHERE {{ GRAPH <{SERVICE_GRAPH}> {{ <{SERVICE_GRAPH}> "
                               f"<{_VERSION}> ?v ; <{_DCT_MODIFIED}> ?m }} }}"))
        if rows:
            version, modified = rows[0]["v"].value, datetime.fromisoformat(rows[0]["m"].value)
        else:  # never written through a service: every replica still agrees on this
            version, modified = "remote-unversioned", datetime(1970, 1, 1, tzinfo=timezone.utc)
        self._version = (time.monotonic(), version, modified)
        return version, modified

    # -- writing -----------------------------------------------------------------------------
    def update(self, sparql_update: str) -> None:
        """Apply an update and move the shared data version on, in one request (one transaction
        on servers that apply a request atomically, as Oxigraph and Fuseki do)."""
        if self.update_url is None:
            raise ReadOnlyBackend("this service has no --update-url: the remote store is read-only here")
        with self._lock:
            version = hashlib.sha256(f"{uuid.uuid4()}{sparql_update}".encode()).hexdigest()[:32]
            modified = datetime.now(timezone.utc).replace(microsecond=0)
            bump = (f"DELETE WHERE {{ GRAPH <{SERVICE_GRAPH}> {{ <{SERVICE_GRAPH}> ?p ?o }} }} ;\n"
                    f"INSERT DATA {{ GRAPH <{SERVICE_GRAPH}> {{ <{SERVICE_GRAPH}> <{_VERSION}> \"{version}\" ; "
                    f"<{_DCT_MODIFIED}> \"{modified.isoformat()}\"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }}")
            self._post(self.update_url, [("update", f"{sparql_update.rstrip().rstrip(';')} ;\n{bump}")])
            self._version = (time.monotonic(), version, modified)


def _as_query_triples(triples: Iterator[ox.Triple]) -> ox.QueryTriples:
    """Graph results as pyoxigraph's own QueryTriples, which the rest of the service serialises."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


class PatternView:
    """quads_for_pattern & co. over SPARQL, for code written against pyoxigraph.Store.

    Blank nodes cannot be named in a SPARQL query, so a pattern with a blank node matches nothing;
    the default graph's own triples (outside named graphs) are not seen (all our data is in named graphs).
    """

    def __init__(self, store: RemoteStore):
        self.store = store

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        if any(isinstance(t, ox.BlankNode) for t in terms.values()):
            return iter(())
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())
        pattern = " ".join(f"?{k}" if terms[k] is None else str(terms[k]) for k in "spo")
        graph = "?g" if graph_name is None else str(graph_name)
        rows = self.store.query(f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} FILTER({graph} != <{SERVICE_GRAPH}>) }}")
        return (ox.Quad(*(terms[k] if terms[k] is not None else row[k] for k in "spog")) for row in rows)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.store.named_graphs())

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return self.store.contains_named_graph(graph.value)

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.store.quads()


# Variables, and the tokens inside which a "?name" is not a variable (strings, IRIs, comments).
_SKIP_OR_VARIABLE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*|[?$]([A-Za-z_][A-Za-z0-9_]*)|[{}]',
    re.S,
)


def substitute(sparql: str, substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query with each substituted variable replaced by its term inside the query pattern (the
    projection and solution modifiers keep the variable, which is then unbound there), as
    pyoxigraph's `substitutions=` binds it. Terms are written in N-Triples syntax, which SPARQL
    reads as is, so a value can never change the query's structure."""
    values = {v.value: str(t) for v, t in substitutions.items()}
    out, last, depth = [], 0, 0
    for match in _SKIP_OR_VARIABLE.finditer(sparql):
        if match.group() in "{}":
            depth += 1 if match.group() == "{" else -1
        elif match.group(1) and depth > 0 and match.group(1) in values:
            out += [sparql[last:match.start()], values[match.group(1)]]
            last = match.end()
    return "".join(out) + sparql[last:]
