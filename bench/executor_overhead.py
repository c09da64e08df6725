"""Per-query cost of running queries in the executor's query processes, against pyoxigraph in-process.

    .venv/bin/python bench/executor_overhead.py [--triples N] [--queries N]

Prints the median time of a small lookup (one subject's values) serialised as SPARQL JSON, evaluated
directly on the store in this process and through `executor.evaluate` with the cache off (so each
query crosses to a query process and back), of one large result (every triple) both ways, of the
first query after a write (which forks fresh query processes), and of a repeated query with the
cache on.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import pyoxigraph as ox

from oversight import executor
from oversight.config import Settings
from oversight.formats import RESULTS_FORMATS
from oversight.store import Store

EX = "http://example.org/"
JSON = RESULTS_FORMATS[0]


def timed(run, repeat: int) -> float:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        run(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()

    store = Store()
    store.oxigraph.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p{i % 7}"), ox.Literal(f"value {i}"), ox.NamedNode(f"{EX}g"))
        for i in range(args.triples)
    )
    executor.configure(store, Settings(cache_bytes=0, max_result_rows=10 * args.triples, query_processes=2))
    lookup = lambda i: f"SELECT ?p ?o WHERE {{ <{EX}s{i % args.triples}> ?p ?o }}"  # noqa: E731
    scan = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"

    def direct(query: str) -> bytes:
        out = io.BytesIO()
        store.query(query).serialize(out, format=JSON.serializer)
        return out.getvalue()

    def pooled(query: str) -> bytes:
        return b"".join(executor.evaluate(store, query).serialize(JSON))

    assert direct(lookup(1)) == pooled(lookup(1))  # same answer, and the query processes are up
    small_direct = timed(lambda i: direct(lookup(i)), args.queries)
    small_pooled = timed(lambda i: pooled(lookup(i)), args.queries)
    large_direct = timed(lambda i: direct(scan), 5)
    large_pooled = timed(lambda i: pooled(scan), 5)
    def after_write(i: int) -> bytes:
        store.update(f'INSERT DATA {{ <{EX}new{i}> <{EX}p0> "new" }}')
        return pooled(lookup(i))

    first_after_write = timed(after_write, 10)
    executor.configure(store, Settings(max_result_rows=10 * args.triples, query_processes=2))
    pooled(lookup(1))
    cached = timed(lambda i: pooled(lookup(1)), args.queries)
    print(f"store: {args.triples} triples")
    print(f"small lookup  direct {small_direct * 1e6:8.0f} us   executor {small_pooled * 1e6:8.0f} us   "
          f"overhead {(small_pooled - small_direct) * 1e6:6.0f} us")
    print(f"every triple  direct {large_direct * 1e3:8.1f} ms   executor {large_pooled * 1e3:8.1f} ms   "
          f"ratio {large_pooled / large_direct:5.2f}x")
    print(f"first query after a write (fresh query process): {first_after_write * 1e3:.1f} ms")
    print(f"repeated query, cache on: {cached * 1e6:.0f} us ({cached / small_direct:.2f}x direct)")


if __name__ == "__main__":
    main()
