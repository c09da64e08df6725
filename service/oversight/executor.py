"""Query evaluation for the endpoint: the one place where a query runs under the service's limits.

The protocol layer (sparql.py) parses requests and negotiates formats; this module evaluates and
serialises. Callers see `evaluate()` and an `Evaluation` whose kind is known before the response
format is chosen, and whose bytes arrive as an iterator (so a response can stream).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterator, Literal, Sequence

import pyoxigraph as ox

from .formats import Format
from .store import Store

Kind = Literal["solutions", "boolean", "graph"]


class QueryTimeout(Exception):
    """The query ran past the configured time limit and was stopped."""


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a request (`default-graph-uri`, `named-graph-uri`); None: the service default."""

    default_graphs: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None


@dataclass
class Evaluation:
    kind: Kind
    _result: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean

    def serialize(self, fmt: Format) -> Iterator[bytes]:
        out = io.BytesIO()
        self._result.serialize(out, format=fmt.serializer)
        yield out.getvalue()


def evaluate(store: Store, query: str, dataset: Dataset = Dataset(), *, timeout_s: float | None = None) -> Evaluation:
    """Run `query` on `store`. Raises SyntaxError for a malformed query, QueryTimeout past the limit."""
    result = store.query(query, default_graph=dataset.default_graphs, named_graphs=dataset.named_graphs)
    if isinstance(result, ox.QueryBoolean):
        return Evaluation("boolean", result)
    if isinstance(result, ox.QueryTriples):
        return Evaluation("graph", result)
    return Evaluation("solutions", result)
