"""A force's state on a date without a scan: an in-memory view of queries/state-index.rq.

state-on-date.rq answers "the phase, open causes of concern and open recommendations of force F on
date D" by joining every finding issued to F with its dates and closures, each time it is asked
(0.5 s at 1M triples). Here state-index.rq runs once per data version, for every force at once, and
its rows are grouped by force: a state is then a filter over one force's few periods and findings.

The view belongs to one data version (versioned_index.PerVersion): the first call after any write rebuilds
it (two queries: state-index.rq and forces.rq), so it never answers from older data. Plain xsd:date
values (YYYY-MM-DD, what the shapes require) compare by day as in SPARQL; a force with any other
value among its dates (a time zone, another datatype: their SPARQL comparisons are partial and differ
between engines) is answered by state-on-date.rq itself. So both paths return the same rows (tests
check this on the seed graph, generated graphs and such edge cases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from . import named
from .versioned_index import PerVersion

Row = dict[str, object]
OPEN_END = named.LATEST.isoformat()  # a period with no og:latestDate runs on, as COALESCE(?until, 9999-12-31)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHASE, OPEN = ox.Literal("phase"), ox.Literal("open")


@dataclass
class ForceState:
    """One force's monitoring periods and findings, dates as ISO days (they compare as text; None: a
    value that is not a plain xsd:date, which makes the force not `exact`)."""

    periods: list[tuple[ox.NamedNode, str | None, str | None]] = field(default_factory=list)  # (phase, from, until)
    findings: list[tuple[ox.NamedNode, ox.NamedNode, str | None, str | None]] = field(default_factory=list)
    # (item, class, issued from, the earliest closure date or None)
    exact: bool = True  # False: some date of this force's cannot be compared here; ask state-on-date.rq

    def on(self, day: date) -> list[Row]:
        """The rows of state-on-date.rq for this force on `day`, in its order (kind, class, item);
        only for an `exact` force."""
        d = day.isoformat()
        open_ = sorted({(cls.value, item.value): (item, cls) for item, cls, issued, closed in self.findings
                        if issued <= d and (closed is None or closed > d)}.items())
        phases = sorted({phase.value: phase for phase, start, until in self.periods if start <= d <= until}.items())
        return ([{"kind": OPEN, "item": item, "class": cls} for _, (item, cls) in open_]
                + [{"kind": PHASE, "item": phase, "class": None} for _, phase in phases])


@dataclass
class StateIndex:
    """For one data version: the forces (rows of forces.rq) and each force's periods and findings."""

    forces: list[Row]
    force_iris: frozenset[str]
    by_force: dict[ox.NamedNode, ForceState]


def build(store) -> StateIndex:
    by_force: dict[ox.NamedNode, ForceState] = {}
    closed: dict[object, str | None] = {}  # item -> earliest closure day (None: a closure date the index cannot compare)
    findings = []
    for r in named.run(store, "state-index", {}):
        kind, item = r["kind"].value, r["item"]
        if kind == "closure":
            until, earlier = _day(r["until"]), closed.get(item, OPEN_END)
            closed[item] = None if until is None or earlier is None else min(until, earlier)
        elif kind == "phase":
            force = by_force.setdefault(r["force"], ForceState())
            start, until = _day(r["from"]), OPEN_END if r["until"] is None else _day(r["until"])
            force.periods.append((item, start, until))
            force.exact &= start is not None and until is not None
        else:
            findings.append((r["force"], item, r["class"], _day(r["from"])))
    for force, item, cls, issued in findings:
        state = by_force.setdefault(force, ForceState())
        state.findings.append((item, cls, issued, closed.get(item)))
        state.exact &= issued is not None and (item not in closed or closed[item] is not None)
    forces = named.run(store, "forces", {})
    return StateIndex(forces, frozenset(r["force"].value for r in forces), by_force)


def _day(term) -> str | None:
    """The text of a plain xsd:date literal (YYYY-MM-DD, no time zone: such values compare as their
    text); None for any other term."""
    if not isinstance(term, ox.Literal) or term.datatype != named.XSD_DATE or not _DATE.fullmatch(term.value):
        return None
    try:
        date.fromisoformat(term.value)
    except ValueError:
        return None
    return term.value


index_for = PerVersion(build)


def state_rows(store, force: str, day: date) -> list[Row]:
    """The rows of state-on-date.rq for the force IRI on `day` (kind, item, class): a drop-in for
    named.run(store, "state-on-date", {"force": ox.NamedNode(force), "date": day})."""
    node = ox.NamedNode(force)
    found = index_for(store).by_force.get(node)
    if found is not None and not found.exact:
        return named.run(store, "state-on-date", {"force": node, "date": day})
    return found.on(day) if found is not None else []


def forces(store) -> list[Row]:
    """The rows of forces.rq (force, forceName), by name."""
    return [dict(r) for r in index_for(store).forces]


def known_force(store, iri: str) -> bool:
    return iri in index_for(store).force_iris


__all__ = ["state_rows", "forces", "known_force", "index_for", "StateIndex"]
