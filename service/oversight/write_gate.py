"""The SHACL gate every write passes: try it on a snapshot, validate, then apply it for real.

A write is one SPARQL Update (Graph Store writes are turned into one, see graph_update()). One write at a
time, it runs on a throwaway snapshot of the data (scratch.on_snapshot: a forked copy-on-write image
or a RocksDB checkpoint, so the cost follows the change); only if the result still conforms to the
shapes is the same update applied to the live store, in one pyoxigraph transaction. A rejected or
failing write leaves the live store untouched, and readers see the data before or after a write,
never between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import threading
from typing import Protocol

import pyoxigraph as ox

from .scratch import on_snapshot
from .store import Store


class Report(Protocol):
    conforms: bool

    def text(self) -> str: ...


Validator = Callable[[Store], Report]

# One gated write at a time: the snapshot must be of the data the write will then be applied to.
_gate = threading.Lock()


def gated_update(store: Store, update: str, validate: Validator, *, how: str | None = None) -> Report:
    """Apply `update` to `store` only if the result conforms; return the validation report either way.

    Raises SyntaxError for a malformed update and OSError if the scratch run fails (e.g. LOAD errors);
    the live store is unchanged in both cases. `how`: see scratch.on_snapshot.
    """
    with _gate:
        report = on_snapshot(store, lambda scratch: scratch.oxigraph.update(update), validate, how=how)
        if report.conforms:
            store.update(update)
        return report


def graph_update(method: str, graph: str | None, triples: Iterable[ox.Triple] = ()) -> str:
    """The SPARQL Update a Graph Store Protocol write means (`graph` None: the default graph).

    PUT replaces the graph, POST adds to it, DELETE drops it.
    """
    target = "DEFAULT" if graph is None else f"GRAPH {ox.NamedNode(graph)}"
    data = " .\n".join(str(t) for t in triples)
    block = data if graph is None else f"GRAPH {ox.NamedNode(graph)} {{\n{data}\n}}"
    if method == "DELETE":
        return f"DROP {target}"
    if method == "PUT":
        return f"DROP SILENT {target} ;\nINSERT DATA {{\n{block}\n}}"
    if method == "POST":
        return f"INSERT DATA {{\n{block}\n}}"
    raise ValueError(f"no Graph Store write for {method}")
