"""Run a named query (queries/NAME.rq) with parameters bound by SPARQL substitution, and answer an
API request with its rows as JSON or CSV.

Parameters are never pasted into query text: each becomes an RDF term bound to ?{name}Param through
pyoxigraph's `substitutions=`, so user input cannot change the query.
"""

from __future__ import annotations

import calendar
import csv
import io
from datetime import date
from typing import Any, Mapping

import pyoxigraph as ox
from flask import Response, jsonify

from .namespaces import PREFIXES
from .queries import load_query
from .store import Store

XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")
EARLIEST = date(1, 1, 1)
LATEST = date(9999, 12, 31)

Row = dict[str, Any]


class BadParameter(ValueError):
    """A request parameter that cannot be used; the message says which and why."""


def date_param(name: str, value: str | None, *, end: bool) -> date:
    """YYYY, YYYY-MM or YYYY-MM-DD; a bare year or month means its first (or, with `end`, last) day."""
    if not value:
        return LATEST if end else EARLIEST
    value = value.strip()
    try:
        if len(value) == 4:
            return date(int(value), 12, 31) if end else date(int(value), 1, 1)
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"'{name}' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}") from None


def date_literal(d: date) -> ox.Literal:
    return ox.Literal(d.isoformat(), datatype=XSD_DATE)


def run(store: Store, name: str, params: Mapping[str, str | date | ox.NamedNode]) -> list[Row]:
    """Rows of queries/NAME.rq, each a dict of variable -> pyoxigraph term (params bound as ?{key}Param)."""
    substitutions = {}
    for key, value in params.items():
        if value in ("", None):
            continue  # unbound: the query treats it as "any"
        if isinstance(value, date):
            term = date_literal(value)
        elif isinstance(value, ox.NamedNode):
            term = value
        else:
            term = ox.Literal(value)
        substitutions[ox.Variable(f"{key}Param")] = term
    solutions = store.query(load_query(name), substitutions=substitutions)
    names = [v.value for v in solutions.variables if not v.value.endswith("Param")]
    return [{n: row[n] for n in names} for row in solutions]


def plain(value) -> Any:
    """A term as JSON wants it: IRIs and literals as their text, numbers as numbers."""
    if value is None:
        return None
    if isinstance(value, ox.Literal):
        dt = value.datatype.value.rsplit("#", 1)[-1] if value.datatype else ""
        if dt == "integer":
            return int(value.value)
        if dt in ("decimal", "double"):
            return float(value.value)
        return value.value
    return value.value if isinstance(value, ox.NamedNode) else str(value)


def api_response(rows: list[Row], fmt: str, *, query_name: str) -> Response:
    """JSON (`{"query": ..., "results": [...]}`) or CSV (header row, then one row per result)."""
    plain_rows = [{k: plain(v) for k, v in row.items()} for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        columns = list(plain_rows[0]) if plain_rows else []
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(plain_rows)
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    return jsonify(query=query_name, count=len(plain_rows), results=plain_rows)
