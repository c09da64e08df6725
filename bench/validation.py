"""`make bench-validation`: how long SHACL validation takes, full and incremental.

For the seed graph and synthetic graphs (`oversight generate`, sizes from BENCH_VALIDATION_SIZES,
default 10k,100k,1M) it prints the median of BENCH_RUNS runs of:
  - full validation with the fast engine (shapes compiled to SPARQL on pyoxigraph);
  - full validation with pySHACL, the reference (only up to BENCH_PYSHACL_MAX triples: it is slow);
  - incremental validation of one added document graph (validation.validate_added_graph) against
    the rest of the graph: its cost follows the document, not the graph.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

from oversight import generate
from oversight.config import Settings
from oversight.loader import ontology_sources, open_store
from oversight.namespaces import DOCUMENT_GRAPH_PREFIX
from oversight.store import Store
from oversight.validation import validate_added_graph, validate_store

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SIZES = os.environ.get("BENCH_VALIDATION_SIZES", "10k,100k,1M")
PYSHACL_MAX = generate.parse_size(os.environ.get("BENCH_PYSHACL_MAX", "10k"))


def median_seconds(run: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def synthetic(triples: int) -> tuple[Store, list, str]:
    """A store with a synthetic graph minus one document graph, and that graph's quads to add."""
    quads = generate.generate(triples, seed=0)
    graphs = sorted({q.graph_name.value for q in quads if getattr(q.graph_name, "value", "").startswith(DOCUMENT_GRAPH_PREFIX)})
    added = graphs[len(graphs) // 2]
    store = Store()
    store.load(ontology_sources(Settings().ontology_dir), [q for q in quads if getattr(q.graph_name, "value", None) != added])
    return store, [q for q in quads if getattr(q.graph_name, "value", None) == added], added


def row(label: str, triples: int, seconds: float, report, note: str = "") -> None:
    print(f"{label:<34} {triples:>9} {seconds:>9.3f} {len(report.violations):>10} {len(report.warnings):>9}  {note}",
          flush=True)


def main() -> None:
    print(f"SHACL validation, median of {RUNS} runs ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"{'what':<34} {'triples':>9} {'seconds':>9} {'violations':>10} {'warnings':>9}")
    seed = open_store(Settings())
    for engine in ("fast", "pyshacl"):
        seconds, report = median_seconds(lambda: validate_store(seed, engine=engine))
        row(f"seed graph, {engine}", len(seed), seconds, report)
    for size in SIZES.split(","):
        triples = generate.parse_size(size)
        store, added_quads, added = synthetic(triples)
        seconds, report = median_seconds(lambda: validate_store(store))
        row(f"synthetic {size}, fast, full", len(store), seconds, report)
        if triples <= PYSHACL_MAX:
            seconds, report = median_seconds(lambda: validate_store(store, engine="pyshacl"), runs=1)
            row(f"synthetic {size}, pyshacl, full", len(store), seconds, report, "1 run")
        store.load([], added_quads)
        seconds, report = median_seconds(lambda: validate_added_graph(store, added))
        row(f"synthetic {size}, + 1 document", len(store), seconds, report,
            f"{len(added_quads)} triples, {report.focus_nodes} focus nodes")


if __name__ == "__main__":
    main()
