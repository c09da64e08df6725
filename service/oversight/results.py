"""Query results for the terminal: an aligned table, or the standard SPARQL result formats."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
CLI_FORMATS = ["table", *RESULT_FORMATS]


def term_text(term) -> str:
    """A term as a reader wants it in a table: the IRI, or the literal's plain value."""
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def write_cli(result, fmt: str, out: BinaryIO) -> None:
    if isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
    elif isinstance(result, ox.QueryTriples):
        result.serialize(out, format=ox.RdfFormat.TURTLE)
    elif fmt == "table":
        out.write(render_table(result).encode("utf-8"))
    else:
        result.serialize(out, format=RESULT_FORMATS[fmt])


def render_table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[term_text(row[name]) for name in names] for row in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    body = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(body) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
