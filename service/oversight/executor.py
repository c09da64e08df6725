"""Query evaluation for the endpoint: the one place where a query runs under the service's limits.

The protocol layer (sparql.py) parses requests and negotiates formats; this module evaluates and
serialises. Callers see `evaluate()` and an `Evaluation` whose kind is known before the response
format is chosen, and whose bytes arrive as an iterator (so a response can stream).

Limits (from Settings, via `configure(store, settings)` in the app factory):

* `QueryRejected` (client error, 400) before any work: the query is longer than `max_query_bytes`
  or nests braces/parentheses/brackets deeper than `max_nesting_depth` (oxigraph's recursive parser
  would overflow its stack on a 5,000-deep query and take the process down).
* `QueryTimeout` (503): the query ran past `query_timeout_s` (or the `timeout_s` given), or no
  query process became free in that time. The work really stops: queries run in a small pool of
  processes forked from the worker after the store is loaded (the in-memory store is shared
  copy-on-write; an on-disk store is read through the inherited handle, since RocksDB cannot open a
  new one in a forked process), and a process that runs late is killed with SIGKILL, which frees
  its CPU and memory at once, and replaced.
* `query_memory_bytes`: a query process may grow by that much beyond the store it inherited; past it
  the process dies and the query fails with `QueryCrashed`, while the service carries on.
* `QueryFailed` (400): the query parsed but could not be evaluated (e.g. an unsupported SERVICE).
  `QueryCrashed` (a QueryFailed; 503): the query process died (stack or memory exhaustion).
  `QueryUnavailable` (a QueryFailed; 502): the store could not answer (a remote SPARQL server down).
* Row and size caps are stated, never silent: the result stops after `max_result_rows` rows (or
  triples), or at the last whole row within `max_response_bytes` (measured on the compact TSV /
  N-Triples form), and then `Evaluation.truncated` names the limit. `Evaluation.headers()` gives the
  response headers that say so (`X-Oversight-Truncated: max-result-rows=1000`), and the row count.

Each query process evaluates into the compact line form (TSV for solutions, N-Triples for graphs),
which is what makes rows countable and cuttable at a row boundary, and sends it back whole, so a
timeout is always known before the response starts. `serialize(fmt)` then re-serialises with
pyoxigraph; results above STREAM_THRESHOLD stream from a producer thread in 64 kB chunks, so a large
result sits in the worker's memory once (as the compact form), not twice.

Results are cached per process, keyed on (data version, query, dataset, format) and bounded by
bytes (LRU); a write moves the data version on, so every older entry is dropped and query processes
forked before the write are retired.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import queue
import re
import resource
import signal
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe
from typing import Callable, Iterable, Iterator, Literal, Sequence

import pyoxigraph as ox

from .config import Settings
from .formats import Format
from .describe import closure
from .forked import close_inherited_sockets, kill_and_reap
from .query_text import described_iris
from .store import Store, StoreUnavailable
from .remote_access import RemoteAccessRefused, check_remote_access

Kind = Literal["solutions", "boolean", "graph"]

STREAM_THRESHOLD = 1 << 20  # results smaller than this are serialised in one call
# A query process that produced a result this large, or made this much memory its own, is replaced
# (the next query forks a new one), so the memory goes back. Its own: reading pyoxigraph's in-memory store
# writes reference counts in every node visited, so a scan copies the store's pages into the process
# (215 MB after one scan-heavy query at 1M triples); the minor page faults since the fork count them.
# settings.query_process_retire_bytes is that "this much".
RECYCLE_BYTES = 16 << 20
CHUNK = 1 << 16

# The compact form a query process sends back, per kind.
_LINE_FORMAT: dict[str, ox.QueryResultsFormat | ox.RdfFormat] = {
    "solutions": ox.QueryResultsFormat.TSV,
    "graph": ox.RdfFormat.N_TRIPLES,
    "boolean": ox.QueryResultsFormat.JSON,
}


class QueryTimeout(Exception):
    """The query ran past the configured time limit and was stopped."""


class QueryRejected(Exception):
    """The query breaks a limit checked before evaluation (length, nesting depth): a client error."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class QueryFailed(Exception):
    """The query parsed but its evaluation failed."""


class QueryCrashed(QueryFailed):
    """The process evaluating the query died (stack or memory exhausted); the service carries on."""


class QueryUnavailable(QueryFailed):
    """The store could not answer (StoreUnavailable: a remote SPARQL server down or failing)."""


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a request (`default-graph-uri`, `named-graph-uri`); None: the service default."""

    default_graphs: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None

    def key(self) -> tuple:
        as_tuple = lambda graphs: None if graphs is None else tuple(graphs)  # noqa: E731
        return as_tuple(self.default_graphs), as_tuple(self.named_graphs)


@dataclass
class Evaluation:
    """A finished evaluation: its kind, row count, the limit that cut it (if any), and its bytes."""

    kind: Kind
    rows: int
    truncated: str | None  # None, or the limit that cut the result ("max-result-rows=1000")
    _lines: bytes = field(repr=False)
    _cache: ResultCache | None = field(default=None, repr=False)
    _key: tuple | None = field(default=None, repr=False)
    from_cache: bool = False

    def headers(self) -> dict[str, str]:
        """Response headers that state the row count and any truncation."""
        headers = {"X-Oversight-Cache": "hit" if self.from_cache else "miss"}
        if self.kind != "boolean":
            headers["X-Oversight-Result-Rows"] = str(self.rows)
        if self.truncated:
            headers["X-Oversight-Truncated"] = self.truncated
        return headers

    def serialize(self, fmt: Format) -> Iterable[bytes]:
        """The result in `fmt`. A small result is serialised here and now, so that a failure raises
        QueryFailed before the response starts, and comes as a one-item list (a response then gets a
        Content-Length rather than chunked encoding); a large one streams (see STREAM_THRESHOLD)."""
        key = None if self._cache is None or self._key is None else (*self._key, fmt.name)
        cached = self._cache.get(key) if key else None
        if cached is not None:
            return [cached]
        if len(self._lines) > STREAM_THRESHOLD:
            return self._stream(fmt, key)
        try:
            body = b"".join(_reserialize(self.kind, self._lines, fmt))
        except (ValueError, SyntaxError, OSError) as err:
            raise QueryFailed(f"cannot write this result as {fmt.name}: {err}") from None
        if key:
            self._cache.put(key, body)
        return [body]

    def _stream(self, fmt: Format, key: tuple | None) -> Iterator[bytes]:
        kept: list[bytes] | None = [] if key else None
        size = 0
        for chunk in _reserialize(self.kind, self._lines, fmt):
            if kept is not None:
                size += len(chunk)
                kept = kept if size <= self._cache.max_entry else None
                if kept is not None:
                    kept.append(chunk)
            yield chunk
        if kept is not None:
            self._cache.put(key, b"".join(kept))


def evaluate(store: Store, query: str, dataset: Dataset = Dataset(), *, timeout_s: float | None = None) -> Evaluation:
    """Run `query` on `store` under its limits (see the module docstring for what each error means).

    Raises QueryRejected, SyntaxError (malformed; `lineno`/`offset` set when known), QueryTimeout,
    QueryFailed or QueryCrashed. `timeout_s` None: the configured timeout.
    """
    return executor_for(store).evaluate(query, dataset, timeout_s)


def configure(store: Store, settings: Settings) -> Executor:
    """Attach an executor with the settings' limits to `store` (the app factory calls this)."""
    with _registry_lock:
        _executors[store] = Executor(store, settings)
        return _executors[store]


def executor_for(store: Store) -> Executor:
    with _registry_lock:
        if store not in _executors:
            _executors[store] = Executor(store, Settings())
        return _executors[store]


_executors: weakref.WeakKeyDictionary[Store, Executor] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


# -- checks before evaluation ---------------------------------------------------------------
# Strings, IRIs and comments are skipped so that brackets inside them do not count. An unterminated
# string runs to the end of its line (or of the query), and the loops are possessive, so that every
# match succeeds at once: the scan stays linear in the query's length, whatever a client sends.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|\\\Z|"(?!""))*+(?:"""|\Z)' r"|'''(?:[^'\\]|\\.|\\\Z|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\n]|\\.|\\\Z)*+(?:"|(?=\n)|\Z)' r"|'(?:[^'\\\n]|\\.|\\\Z)*+(?:'|(?=\n)|\Z)"
    r'|<[^<>"{}|^`\\\x00-\x20]*+>|#[^\n]*+|[{(\[]|[})\]]',
    re.S,
)


def nesting_depth(query: str, stop_above: int | None = None) -> int:
    """The deepest nesting of {}, () and [] in `query`, outside strings, IRIs and comments
    (the scan stops once it is deeper than `stop_above`)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(query):
        token = match.group()
        if token in "{([":
            depth += 1
            deepest = max(deepest, depth)
            if stop_above is not None and deepest > stop_above:
                break
        elif token in "})]":
            depth -= 1
    return deepest


def check_query(query: str, settings: Settings) -> None:
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > settings.max_query_bytes:
        raise QueryRejected(f"query is {size} bytes long; the limit is {settings.max_query_bytes}")
    if nesting_depth(query, settings.max_nesting_depth) > settings.max_nesting_depth:
        raise QueryRejected(f"query nests deeper than {settings.max_nesting_depth} levels (brackets, braces "
                            "and parentheses); that is the limit")
    try:  # after the size and depth checks: only a bounded query is parsed for SERVICE
        check_remote_access(query, settings.remote_hosts, is_query=True)
    except RemoteAccessRefused as err:
        raise QueryRejected(str(err)) from None


# -- the executor: checks, cache, pool --------------------------------------------------------
class Executor:
    def __init__(self, store: Store, settings: Settings):
        self.store, self.settings = store, settings
        self.cache = ResultCache(settings.cache_bytes)
        self._pool: _Pool | None = None
        self._lock = threading.Lock()

    def evaluate(self, query: str, dataset: Dataset = Dataset(), timeout_s: float | None = None) -> Evaluation:
        check_query(query, self.settings)
        self.cache.advance(self.store.version)
        key = (self.store.version, query, dataset.key())
        hit = self.cache.get(key)
        if hit is not None:
            kind, rows, truncated, lines = hit
            return Evaluation(kind, rows, truncated, lines, self.cache, key, from_cache=True)
        timeout = self.settings.query_timeout_s if timeout_s is None else timeout_s
        answered = self._describe_here(query, dataset)
        if answered is not None:
            version, (kind, rows, truncated, lines) = answered
        else:
            version, (kind, rows, truncated, lines) = self.pool().run(query, dataset, timeout)
        key = (version, query, dataset.key())
        if len(lines) <= self.cache.max_entry:
            self.cache.put(key, (kind, rows, truncated, lines), len(lines))
        return Evaluation(kind, rows, truncated, lines, self.cache, key)

    def _describe_here(self, query: str, dataset: Dataset) -> tuple[str, tuple] | None:
        """`DESCRIBE <iri>…` answered in this process, as the resource pages are (describe.closure):
        index lookups bounded by the row cap, too small to be worth the hop to a query process.
        None for any other query (and for a description past the row cap), which a query process runs."""
        iris = described_iris(query) if dataset == Dataset() and isinstance(self.store, Store) else None
        if iris is None:
            return None
        try:
            nodes = [ox.NamedNode(iri) for iri in iris]
        except ValueError:  # a relative IRI: the query process resolves it against the BASE
            return None
        version, limit = self.store.version, self.settings.max_result_rows
        quads = closure(self.store, nodes, limit=limit)
        if len(quads) > limit:
            return None
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        writer = _LineWriter(limit, self.settings.max_response_bytes, limit)
        try:
            ox.serialize(triples, writer, format=ox.RdfFormat.N_TRIPLES)
        except _Capped:
            pass
        return version, ("graph", writer.lines, writer.truncated, bytes(writer.buffer))

    def pool(self) -> _Pool:
        # One pool per process: a pool inherited through a fork (server workers) is not ours.
        with self._lock:
            if self._pool is None or self._pool.pid != os.getpid():
                self._pool = _Pool(self.store, self.settings)
            return self._pool


class ResultCache:
    """A thread-safe LRU of results bounded by bytes, holding one data version at a time."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.max_entry = max_bytes, max_bytes // 8
        self._entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._version: str | None = None
        self._lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def advance(self, version: str) -> None:
        """The data is now at `version`: every entry of another version goes."""
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                    self._size, self._version = 0, version

    def put(self, key: tuple, value: object, size: int | None = None) -> None:
        """Keep `value` under `key` (whose first item is its data version, ignored unless current)."""
        size = len(value) if size is None else size  # type: ignore[arg-type]
        if size > self.max_entry:
            return
        with self._lock:
            if key[0] != self._version:  # evaluated before a write: already out of date
                return
            old = self._entries.pop(key, None)
            self._size += size - (old[1] if old else 0)
            self._entries[key] = (value, size)
            while self._size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped


# -- re-serialisation from the compact form --------------------------------------------------
def _reserialize(kind: Kind, lines: bytes, fmt: Format) -> Iterator[bytes]:
    if fmt.serializer == _LINE_FORMAT[kind]:
        view = memoryview(lines)
        for start in range(0, len(lines), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return

    def produce(out) -> None:
        if kind == "graph":
            ox.serialize(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES), out, format=fmt.serializer)
        else:
            ox.parse_query_results(lines, format=_LINE_FORMAT[kind]).serialize(out, format=fmt.serializer)

    if len(lines) <= STREAM_THRESHOLD:
        out = io.BytesIO()
        produce(out)
        yield out.getvalue()
    else:
        yield from _pump(produce)


class _Stopped(Exception):
    pass


class _QueueWriter(io.RawIOBase):
    """A binary sink that hands 64 kB chunks to a bounded queue (backpressure from the client)."""

    def __init__(self, chunks: queue.Queue, stopped: threading.Event):
        self.chunks, self.stopped, self.buffer = chunks, stopped, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.push()
        return len(data)

    def push(self) -> None:
        if self.buffer:
            self.put(bytes(self.buffer))
            self.buffer.clear()

    def put(self, item) -> None:
        while True:
            if self.stopped.is_set():
                raise _Stopped
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def _pump(produce: Callable[[io.RawIOBase], None]) -> Iterator[bytes]:
    """Run a writer-style serialiser in a thread and yield what it writes, chunk by chunk."""
    chunks: queue.Queue = queue.Queue(maxsize=8)
    stopped = threading.Event()
    writer = _QueueWriter(chunks, stopped)
    done = object()

    def run() -> None:
        try:
            produce(writer)
            writer.push()
            writer.put(done)
        except _Stopped:
            pass
        except Exception as err:  # noqa: BLE001 - handed to the consumer
            try:
                writer.put(err)
            except _Stopped:
                pass

    thread = threading.Thread(target=run, name="oversight-serialise", daemon=True)
    thread.start()
    try:
        while (item := chunks.get()) is not done:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stopped.set()  # a client that went away stops the producer at its next write


# -- the pool of query processes --------------------------------------------------------------
@dataclass
class _Child:
    pid: int
    conn: Connection
    version: str


class _Pool:
    """Query processes forked from this process; one query at a time each."""

    def __init__(self, store: Store, settings: Settings):
        self.store, self.settings, self.pid = store, settings, os.getpid()
        # One per CPU: more would not run faster, and each copies the pages of the store it reads.
        self.size = settings.query_processes or max(2, os.cpu_count() or 2)
        self._idle: list[_Child] = []
        self._all: dict[int, _Child] = {}
        self._starting = 0
        self._cond = threading.Condition()
        self._spawn_lock = threading.Lock()
        # When the pool goes (its store dropped, or the process exits), so do its processes.
        weakref.finalize(self, _stop_all, self._all, self.pid)

    def run(self, query: str, dataset: Dataset, timeout_s: float) -> tuple[str, tuple]:
        deadline = time.monotonic() + timeout_s
        child = self._lease(deadline)
        healthy = False
        try:
            child.conn.send((query, dataset.default_graphs, dataset.named_graphs, timeout_s))
            if not child.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(f"query stopped after the time limit of {timeout_s:g} s")
            header = child.conn.recv()
            if header[0] == "ok":
                lines = header[4] if header[4] is not None else child.conn.recv_bytes()
                healthy = len(lines) <= RECYCLE_BYTES and not header[5]
                return child.version, (*header[1:4], lines)
            healthy = True
            if header[0] == "unavailable":
                raise QueryUnavailable(header[1])
            if header[0] == "syntax":
                err = SyntaxError(header[1])
                err.lineno, err.offset = header[2], header[3]
                raise err
            raise QueryFailed(header[1])
        except (EOFError, OSError):
            raise QueryCrashed("the query process died (out of stack or memory)") from None
        finally:
            self._release(child, healthy)

    def _lease(self, deadline: float) -> _Child:
        with self._cond:
            while True:
                while self._idle:
                    child = self._idle.pop()
                    if child.version == self.store.version and not child.conn.poll(0):
                        return child
                    self._kill(child)  # forked before a write (its data is old), or dead
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout("no query process became free within the time limit")
                self._cond.wait(remaining)
        try:
            return self._spawn()
        finally:
            with self._cond:
                self._starting -= 1
                self._cond.notify()

    def _release(self, child: _Child, healthy: bool) -> None:
        with self._cond:
            if healthy and child.version == self.store.version:
                self._idle.append(child)
            else:
                self._kill(child)
            self._cond.notify()

    def _kill(self, child: _Child) -> None:
        self._all.pop(child.pid, None)
        _stop(child)

    def prestart(self) -> None:
        """Fork every query process now. Call it before the process starts threads that read the
        store in-process (index builds, requests): a thread inside pyoxigraph at the moment of a fork
        can leave a node lock held in the child, which would then wait on it for ever."""
        with self._cond:
            missing = self.size - len(self._all) - self._starting
        for _ in range(max(0, missing)):
            child = self._spawn()
            with self._cond:
                self._idle.append(child)

    def _spawn(self) -> _Child:
        # Fork only between writes, so that no store transaction is half-done in the child.
        with self._spawn_lock, getattr(self.store, "_lock", None) or contextlib.nullcontext():
            ours, theirs = Pipe()
            version = self.store.version
            pid = os.fork()
            if pid == 0:  # the query process: never returns
                status = 1
                try:
                    close_inherited_sockets(keep=theirs.fileno())
                    _serve_queries(theirs, self.store, self.settings)
                    status = 0
                finally:
                    os._exit(status)
            theirs.close()
            child = _Child(pid, ours, version)
            with self._cond:
                self._all[pid] = child
            return child


def _stop(child: _Child) -> None:
    kill_and_reap(child.pid)
    child.conn.close()


def _stop_all(children: dict[int, _Child], owner: int) -> None:
    if os.getpid() == owner:
        for child in list(children.values()):
            _stop(child)


# -- inside a query process ---------------------------------------------------------------------
class _Capped(Exception):
    pass


class _LineWriter(io.RawIOBase):
    """Collects line-based output up to a number of lines and bytes, cutting at a line boundary."""

    def __init__(self, max_lines: int, max_bytes: int, rows_limit: int):
        self.max_lines, self.max_bytes, self.rows_limit = max_lines, max_bytes, rows_limit
        self.buffer = bytearray()
        self.lines = 0
        self.truncated: str | None = None

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.truncated:
            raise _Capped
        data = bytes(data)
        newlines = data.count(b"\n")
        reason = None
        if self.lines + newlines > self.max_lines:
            cut = -1
            for _ in range(self.max_lines - self.lines):
                cut = data.index(b"\n", cut + 1)
            data, reason = data[:cut + 1], f"max-result-rows={self.rows_limit}"
        if len(self.buffer) + len(data) > self.max_bytes:
            data = data[:data.rfind(b"\n", 0, self.max_bytes - len(self.buffer)) + 1]
            reason = f"max-response-bytes={self.max_bytes}"
        if reason:
            self._stop(data, reason)
        self.buffer += data
        self.lines += newlines
        return len(data)

    def _stop(self, kept: bytes, reason: str) -> None:
        self.buffer += kept
        self.lines += kept.count(b"\n")
        self.truncated = reason
        raise _Capped


def _serve_queries(conn: Connection, store: Store, settings: Settings) -> None:
    gc.freeze()  # the worker's objects are never collected here: a collection would copy their pages
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGWINCH, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)  # not the web server's handlers
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if settings.query_memory_bytes:
        _limit_memory(settings.query_memory_bytes)
    faults_at_fork = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    while True:
        try:
            query, default_graphs, named_graphs, timeout_s = conn.recv()
        except EOFError:
            return
        _limit_cpu(timeout_s)
        try:
            result = store.query(query, default_graph=default_graphs, named_graphs=named_graphs)
            kind, rows, truncated, lines = _to_lines(result, settings)
            private = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_at_fork) * resource.getpagesize()
            retire = private > settings.query_process_retire_bytes
            if len(lines) <= STREAM_THRESHOLD:  # one message: a round trip less for the usual small answer
                conn.send(("ok", kind, rows, truncated, lines, retire))
            else:  # no pickled copy of a large one
                conn.send(("ok", kind, rows, truncated, None, retire))
                conn.send_bytes(lines)
        except SyntaxError as err:
            conn.send(("syntax", str(err), err.lineno, err.offset))
        except StoreUnavailable as err:
            conn.send(("unavailable", str(err)))
        except Exception as err:  # noqa: BLE001 - reported to the worker as QueryFailed
            conn.send(("error", f"{type(err).__name__}: {err}"))


def _limit_cpu(timeout_s: float) -> None:
    """Let the kernel stop this process (SIGXCPU) shortly after the worker would, so that it cannot
    outlive a worker that died while it ran."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + timeout_s) + 2
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it inherited plus `extra_bytes`: a query that needs
    more fails its allocation and the process dies (QueryCrashed), not the machine."""
    with open("/proc/self/status") as status:
        size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = size_kb * 1024 + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _to_lines(result, settings: Settings) -> tuple[Kind, int, str | None, bytes]:
    if isinstance(result, ox.QueryBoolean):
        return "boolean", 1, None, result.serialize(format=_LINE_FORMAT["boolean"])
    kind: Kind = "graph" if isinstance(result, ox.QueryTriples) else "solutions"
    header = 1 if kind == "solutions" else 0
    writer = _LineWriter(settings.max_result_rows + header, settings.max_response_bytes, settings.max_result_rows)
    try:
        result.serialize(writer, format=_LINE_FORMAT[kind])
    except _Capped:
        pass
    return kind, writer.lines - header, writer.truncated, bytes(writer.buffer)
