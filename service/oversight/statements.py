"""Who said what, when: the statements page, its JSON/CSV API, and the source-text passage view.

Every answer comes from queries/statements.rq; the page shows that query so users can reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request

from . import named, statements_index, urls
from .namespaces import ID, OG
from .present import Labeller, Term, readable_dating, term
from .queries import load_query
from .store import Store

bp = Blueprint("statements", __name__)

QUERY = "statements"
FILTERS = ("speaker", "organisation", "about", "source", "q")
PARAM_NAMES = {"organisation": "org"}  # request parameter -> ?{name}Param in statements.rq
DOCUMENT_PREFIX = f"{ID}document/"


@dataclass
class Passage:
    source: Term
    href: str | None
    attribution: str | None


@dataclass
class StatementView:
    statement: Term
    speaker: Term
    post: Term | None
    organisation: Term | None
    text: str
    date: str
    precision: str | None
    mode: str | None
    passages: list[Passage] = field(default_factory=list)


def query_params(args: Mapping[str, str]) -> dict[str, Any]:
    """The statements.rq parameters from request arguments (BadParameter for unusable dates)."""
    params: dict[str, Any] = {PARAM_NAMES.get(k, k): (args.get(k) or "").strip() for k in FILTERS}
    start = named.date_param("from", args.get("from"), end=False)
    end = named.date_param("to", args.get("to"), end=True)
    if start > end:
        raise named.BadParameter("'from' is after 'to'")
    params["from"] = start if args.get("from") else None
    params["to"] = end if args.get("to") else None
    return params


INDEX_HEADER = "X-Oversight-Index"  # which path answered: "hit" (the index) or "building" (statements.rq)


def find(store: Store, args: Mapping[str, str]) -> list[named.Row]:
    """One row per statement and source, each (statement, occurrence) once."""
    return answer(store, args)[0]


def answer(store: Store, args: Mapping[str, str]) -> tuple[list[named.Row], str]:
    """find(), and which path answered (statements_index.answer: "hit" or "building")."""
    rows: dict[tuple, named.Row] = {}
    # statements.rq's answer from the index kept in step with the data (no full scan per request),
    # or from statements.rq itself while the index of this data version is being built
    found, path = statements_index.answer(store, query_params(args))
    for row in found:
        rows.setdefault((row["statement"], row["occurrence"]), row)
    return list(rows.values()), path


def passage_path(source: ox.NamedNode | None, start, end) -> str | None:
    """The source text page with the quote highlighted, for a document of the graph."""
    if source is None or not source.value.startswith(DOCUMENT_PREFIX) or start is None or end is None:
        return None
    key = source.value[len(DOCUMENT_PREFIX):]
    return f"/text/{key}?start={start.value}&end={end.value}#passage"


def views(rows: list[named.Row], label: Labeller) -> list[StatementView]:
    """Rows grouped into statements, each with every passage that reports it."""
    grouped: dict[ox.NamedNode, StatementView] = {}
    for row in rows:
        view = grouped.get(row["statement"])
        if view is None:
            when = readable_dating(row.get("date"), row["earliest"], row["latest"])
            view = grouped[row["statement"]] = StatementView(
                term(row["statement"], label), term(row["speaker"], label),
                term(row["post"], label) if row.get("post") else None,
                term(row["organisation"], label) if row.get("organisation") else None,
                row["text"].value, when,
                row["precision"].value if row.get("precision") else None,
                row["mode"].value if row.get("mode") else None)
        path = passage_path(row["source"], row.get("start"), row.get("end"))
        view.passages.append(Passage(term(row["source"], label),
                                     request.script_root + path if path else None,
                                     row["attribution"].value if row.get("attribution") else None))
    return list(grouped.values())


def for_resource(store: Store, label: Labeller, **filters: str) -> list[StatementView]:
    """Statements by, about or from one resource (its IRI as the filter value)."""
    return views(find(store, filters), label)


@bp.get("/api/statements")
def api_statements() -> Response:
    store = current_app.extensions["oversight.store"]
    fmt = request.args.get("format") or ("csv" if request.accept_mimetypes.best == "text/csv" else "json")
    if fmt not in ("json", "csv"):
        return Response("'format' must be json or csv\n", status=400, mimetype="text/plain")
    try:
        rows, answered_by = answer(store, request.args)
    except named.BadParameter as err:
        return Response(f"{err}\n", status=400, mimetype="text/plain")
    for row in rows:
        path = passage_path(row["source"], row.get("start"), row.get("end"))
        row["passage"] = ox.Literal(urls.absolute(path)) if path else None
    response = named.api_response(rows, fmt, query_name=QUERY)
    response.headers[INDEX_HEADER] = answered_by
    return response


@bp.get("/statements")
def statements_page() -> Response | str:
    store = current_app.extensions["oversight.store"]
    label = Labeller(store)
    error = None
    try:
        found = views(find(store, request.args), label)
    except named.BadParameter as err:
        error, found = str(err), []
    speakers = named.run(store, "speakers", {})
    api_query = request.query_string.decode("utf-8", "replace")
    return render_template(
        "statements.html", statements=found, error=error, args=request.args, speakers=speakers,
        label=label, sparql=load_query(QUERY), api_query=api_query,
    ), (400 if error else 200)


@bp.get("/text/<key>")
def source_text(key: str) -> str:
    """The archived text of a source document, with one passage (start, end) highlighted."""
    store = current_app.extensions["oversight.store"]
    text_iri = urls.valid_iri(f"{ID}text/{key}")
    contents = [q.object.value for q in store.oxigraph.quads_for_pattern(text_iri, ox.NamedNode(str(OG.content)), None, None)
                ] if text_iri is not None else []
    if not contents:
        abort(404)
    text = contents[0]
    try:
        start = int(request.args.get("start", 0))
        end = int(request.args.get("end", 0))
    except ValueError:
        return Response("'start' and 'end' must be whole numbers\n", status=400, mimetype="text/plain")
    if not 0 <= start <= end <= len(text):
        return Response(f"'start' and 'end' must satisfy 0 <= start <= end <= {len(text)}\n",
                        status=400, mimetype="text/plain")
    document = f"{DOCUMENT_PREFIX}{key}"
    label = Labeller(store)
    return render_template("text.html", before=text[:start], passage=text[start:end], after=text[end:],
                           document=term(ox.NamedNode(document), label), label=label)
