"""What the graph holds: triples per named graph and entities per class."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import load_query
from .store import Store


@dataclass
class Stats:
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    total: int


def compute(store: Store) -> Stats:
    graphs = [(r["graph"].value, int(r["triples"].value)) for r in store.query(load_query("stats-graphs"), union_default_graph=False)]
    classes = [(r["class"].value, int(r["entities"].value)) for r in store.query(load_query("stats-classes"))]
    return Stats(graphs, classes, len(store))


def render(stats: Stats) -> str:
    lines = [f"{stats.total} quads in {len(stats.graphs)} named graphs", "", "triples  graph"]
    lines += [f"{n:>7}  {g}" for g, n in stats.graphs]
    lines += ["", "entities  class"] + [f"{n:>8}  {c}" for c, n in stats.classes]
    return "\n".join(lines)
