"""Who said what, when, without a full scan: an in-memory index of queries/statements.rq.

The statements API asks "statements in a date window (and by this speaker, about that…), ordered
by date". As SPARQL that is a scan of every statement and a sort (0.86 s on Oxigraph server at 1M
triples). Here the rows of statements.rq, run once with no parameters, are kept sorted by
og:earliestDate; a window is two binary searches, and the other filters run over the window only.

The index belongs to one data version (versioned_index.VersionedIndex): it is built in a background
thread at startup and again after every write (one query for the rows, one for what each statement
is about). Until the index of the current version is ready, `answer` runs statements.rq itself
(slower, always right), so no request waits for a build and none is answered from older data. The
filters mean exactly what statements.rq's FILTERs mean, so both paths return the same rows (a test
checks this on the same data).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from . import named
from .queries import load_query
from .versioned_index import VersionedIndex

Row = dict[str, Any]
QUERY = "statements"
ABOUT_QUERY = "statements-about"


@dataclass
class StatementsIndex:
    """The rows of statements.rq sorted by earliest date, for one data version."""

    version: str
    rows: list[Row]
    earliest: list[str]  # ISO dates, parallel to rows (xsd:date literals compare as their text)
    max_span_days: int  # the longest latest - earliest: how far before a window a row may start
    abouts: dict[str, list[tuple[str, str | None]]]  # statement IRI -> (about IRI, its label)

    def between(self, start: date | None, end: date | None) -> list[Row]:
        """Rows whose [earliest, latest] overlaps [start, end] (None: unbounded), in date order."""
        lo = 0 if start is None else bisect_left(self.earliest, (start - timedelta(days=self.max_span_days)).isoformat())
        hi = len(self.rows) if end is None else bisect_right(self.earliest, end.isoformat())
        if start is None:
            return self.rows[lo:hi]
        first = start.isoformat()
        return [r for r in self.rows[lo:hi] if r["latest"].value >= first]


def statements_between(store, start: date | None = None, end: date | None = None, **filters: str) -> list[Row]:
    """Rows of statements.rq (one per statement and reporting source, ordered by earliest date)
    whose date range overlaps [start, end], filtered as statements.rq filters them: `speaker`,
    `org`, `source`, `about` (an IRI, or words of a name/label/title), `aboutText` (words of the
    label of what it is about only) and `q` (words of the text). Waits for the index of the
    current data version (see `answer` for the request path, which never waits).
    Each row is a fresh dict of variable -> pyoxigraph term."""
    return search(index_for(store), start, end, **filters)


def search(index: StatementsIndex, start: date | None = None, end: date | None = None, **filters: str) -> list[Row]:
    """statements_between on a given index."""
    wanted = {k: v.strip() for k, v in filters.items() if v and v.strip()}
    unknown = set(wanted) - set(_FILTERS)
    if unknown:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    tests = [(_FILTERS[k], v, v.lower()) for k, v in wanted.items()]
    return [dict(row) for row in index.between(start, end)
            if all(test(row, index, exact, lower) for test, exact, lower in tests)]


def _search_params(index: StatementsIndex, params: Mapping[str, Any]) -> list[Row]:
    """search() with the parameters named as statements.rq names them (`from`, `to`, `speaker`, `org`,
    `about`, `aboutText`, `source`, `q`; "" or None: any)."""
    filters = {k: getattr(v, "value", v) for k, v in params.items() if k not in ("from", "to") and v}
    return search(index, params.get("from"), params.get("to"), **filters)


def find(store, params: Mapping[str, Any]) -> list[Row]:
    """The index's answer to statements.rq with `params` (waits for the index): a drop-in for
    named.run(store, "statements", params)."""
    return _search_params(index_for(store), params)


def answer(store, params: Mapping[str, Any]) -> tuple[list[Row], str]:
    """statements.rq's rows for `params`, and which path answered: "hit" (the index of the current
    data version) or "building" (statements.rq itself, while that index is being built)."""
    index = INDEX.get(store)
    if index is None:
        return named.run(store, QUERY, params), "building"
    return _search_params(index, params), "hit"


# -- building --------------------------------------------------------------------------------
def start(store) -> None:
    """Begin building the index in the background (at startup); returns at once."""
    INDEX.start(store)


def index_for(store, timeout: float | None = None) -> StatementsIndex:
    """The index of the store's current data version, waiting for its build (CLI, tests, bench)."""
    index = INDEX.wait(store, timeout)
    if index is None:
        raise RuntimeError("the statements index could not be built (see the log)")
    return index


def build(store) -> StatementsIndex:
    version = store.version
    solutions = store.query(load_query(QUERY))
    names = [v.value for v in solutions.variables if not v.value.endswith("Param")]
    rows = [{n: row[n] for n in names} for row in solutions]
    rows.sort(key=lambda r: r["earliest"].value)  # stable: keeps the query's order within a day
    span = max((_days(r["latest"].value) - _days(r["earliest"].value) for r in rows), default=0)
    abouts: dict[str, list[tuple[str, str | None]]] = {}
    for r in store.query(load_query(ABOUT_QUERY)):
        label = r["aboutLabel"]
        abouts.setdefault(r["statement"].value, []).append((r["about"].value, label.value if label else None))
    return StatementsIndex(version, rows, [r["earliest"].value for r in rows], max(span, 0), abouts)


INDEX: VersionedIndex[StatementsIndex] = VersionedIndex("statements", build)


def _days(iso: str) -> int:
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return 0


# -- the filters of statements.rq, row by row ---------------------------------------------------
def _text(term) -> str | None:
    return None if term is None else term.value


def _matches(exact: str, lower: str, iri_terms: tuple, name_term) -> bool:
    """STR(?iri) = p for one of the IRIs, or CONTAINS(LCASE(STR(?name)), LCASE(p))."""
    if any(t is not None and t.value == exact for t in iri_terms):
        return True
    name = _text(name_term)
    return name is not None and lower in name.lower()


_FILTERS = {
    "speaker": lambda r, ix, p, lp: _matches(p, lp, (r["speaker"],), r.get("speakerName")),
    "org": lambda r, ix, p, lp: _matches(p, lp, (r.get("organisation"), r["speaker"]), r.get("organisationName")),
    "source": lambda r, ix, p, lp: _matches(p, lp, (r["source"],), r.get("sourceTitle")),
    "q": lambda r, ix, p, lp: lp in r["text"].value.lower(),
    "about": lambda r, ix, p, lp: any(iri == p or (label is not None and lp in label.lower())
                                      for iri, label in ix.abouts.get(r["statement"].value, ())),
    "aboutText": lambda r, ix, p, lp: any(label is not None and lp in label.lower()
                                          for _, label in ix.abouts.get(r["statement"].value, ())),
}
_FILTERS["organisation"] = _FILTERS["org"]

__all__ = ["statements_between", "search", "find", "answer", "start", "index_for", "StatementsIndex", "INDEX"]
