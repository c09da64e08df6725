"""`make bench-validation`: how long SHACL validation takes, full and incremental.

For the seed graph and synthetic graphs (`oversight generate`, sizes from BENCH_VALIDATION_SIZES,
default 10k,100k,1M) it prints the median of BENCH_RUNS runs of:
  - full validation with the fast engine (shapes compiled to SPARQL on pyoxigraph);
  - full validation with pySHACL, the reference (only up to BENCH_PYSHACL_MAX triples: it is slow);
  - incremental validation of one added document graph (validation.validate_added_graph) against
    the rest of the graph: its cost follows the document, not the graph;
  - one gated write of that document, end to end (write_gate.gated_update with the incremental
    validator, as `oversight add` checks a draft), on an in-memory and an on-disk store: the snapshot
    it is tried on made the new way (forked image / RocksDB checkpoint, scratch.py) and the old way
    (a full copy), and the memory a forked child holds of its own.
    The HTTP write gate runs the same snapshot but validates the whole graph (the full rows above).
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from collections.abc import Callable

import pyoxigraph as ox

from oversight import generate
from oversight.config import Settings
from oversight.ingest.review import insert_data
from oversight.loader import ontology_sources, open_store
from oversight.namespaces import DOCUMENT_GRAPH_PREFIX
from oversight.store import Store
from oversight.validation import validate_added_graph, validate_store
from oversight.write_gate import gated_update

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
    print(f"{label:<46} {triples:>9} {seconds:>9.3f} {len(report.violations):>10} {len(report.warnings):>9}  {note}",
          flush=True)


def private_mb() -> float:
    """Memory this process holds on its own (not shared with a parent it was forked from)."""
    with open("/proc/self/smaps_rollup") as rollup:
        return sum(int(line.split()[1]) for line in rollup if line.startswith("Private_")) / 1024


def gated_writes(size: str, store: Store, added_quads: list, added: str) -> None:
    """One gated write of the added document, the new way then the old way; each run drops it again.
    For the fork, the memory the child came to hold on its own (pages the change and the validation
    copied or allocated, read at the end of validation; largest over the runs). A full copy holds a
    second copy of the store (about 1 GB at 1M triples); the allocator's reuse of freed pages hides it
    from a measurement like this one, so none is printed."""
    write, parent = insert_data(added_quads), os.getpid()

    def validate(snapshot: Store):
        report = validate_added_graph(snapshot, added)
        report.child_mb = private_mb() if os.getpid() != parent else None  # a forked child starts at 0
        return report

    def one(how: str):
        report = gated_update(store, write, validate, how=how)
        assert report.conforms, report.text()
        store.update(f"DROP GRAPH <{added}>")
        if report.child_mb is not None:
            child.append(report.child_mb)
        return report

    kind = "in memory" if store.path is None else "on disk"
    for how, label in (("auto", "fork" if store.path is None else "checkpoint"), ("copy", "full copy")):
        child: list[float] = []
        seconds, report = median_seconds(lambda: one(how))
        row(f"synthetic {size}, write, {kind}, {label}", len(store), seconds, report,
            f"child held {max(child):.0f} MB" if child else "")


def on_disk(store: Store, where: Path) -> Store:
    """The same data in a RocksDB store under `where`."""
    disk = Store(where / "store")
    data = io.BytesIO()
    store.oxigraph.dump(data, format=ox.RdfFormat.N_QUADS)
    disk.oxigraph.bulk_load(data.getvalue(), format=ox.RdfFormat.N_QUADS)
    disk.oxigraph.flush()
    return disk


def main() -> None:
    print(f"SHACL validation, median of {RUNS} runs ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"{'what':<46} {'triples':>9} {'seconds':>9} {'violations':>10} {'warnings':>9}")
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
        gated_writes(size, store, added_quads, added)
        where = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
        try:
            disk = on_disk(store, where)
            gated_writes(size, disk, added_quads, added)
            del disk
        finally:
            shutil.rmtree(where)
        store.load([], added_quads)
        seconds, report = median_seconds(lambda: validate_added_graph(store, added))
        row(f"synthetic {size}, + 1 document", len(store), seconds, report,
            f"{len(added_quads)} triples, {report.focus_nodes} focus nodes")


if __name__ == "__main__":
    main()
