"""The SHACL gate every write passes: try it on a scratch copy, validate, then apply it for real.

A write is one SPARQL Update (Graph Store writes are turned into one, see graph_update()). One write at a
time, it runs on an in-memory copy of the data; only if the copy still conforms to the
shapes is the same update applied to the live store, in one pyoxigraph transaction. A rejected or
failing write leaves the live store untouched, and readers see the data before or after a write,
never between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import threading
from typing import Protocol

import pyoxigraph as ox

from .store import Store


class Report(Protocol):
    conforms: bool

    def text(self) -> str: ...


Validator = Callable[[Store], Report]

# One gated write at a time: the scratch copy must be of the data the write will then be applied to.
_gate = threading.Lock()


def gated_update(store: Store, update: str, validate: Validator) -> Report:
    """Apply `update` to `store` only if the result conforms; return the validation report either way.

    Raises SyntaxError for a malformed update and OSError if the scratch run fails (e.g. LOAD errors);
    the live store is unchanged in both cases.
    """
    with _gate:
        scratch = scratch_copy(store)
        scratch.oxigraph.update(update)
        report = validate(scratch)
        if report.conforms:
            store.update(update)
        return report


def scratch_copy(store) -> Store:
    """An in-memory copy of the data: Store copies under its own lock; a remote store is read whole."""
    if isinstance(store, Store):
        return store.copy_in_memory()
    scratch = Store()
    scratch.oxigraph.extend(store.quads())
    return scratch


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
