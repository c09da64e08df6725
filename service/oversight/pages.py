"""The human entry points: home page, search, the query page, and HTML error pages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from . import executor, named, state_index
from .formats import GRAPH_FORMATS, HTML, RESULTS_FORMATS, by_name
from .present import Labeller, Term, term
from .queries import load_query, query_names
from .sparql import limit_status
from .store import Store
from .versioned_index import PerVersion

bp = Blueprint("pages", __name__)

MAX_TABLE_ROWS = 1000
EXAMPLE_QUERIES = query_names()


def query_summary(name: str) -> str:
    """The first comment line of a named query: what it answers."""
    for line in load_query(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return name
DEFAULT_QUERY = """PREFIX og: <https://w3id.org/oversight/def/oversight#>
PREFIX schema: <http://schema.org/>
SELECT ?speaker ?text WHERE {
  ?statement a og:Statement ; og:speaker/schema:name ?speaker ; schema:text ?text .
} LIMIT 10"""


def validation_notice() -> str | None:
    """What the validation step (if any) reported about data that was loaded despite violations."""
    report = current_app.extensions.get("oversight.validation")
    if report is None:
        return None
    conforms = report.get("conforms") if isinstance(report, dict) else getattr(report, "conforms", None)
    if conforms is not False:
        return None
    count = report.get("violations") if isinstance(report, dict) else getattr(report, "violations", None)
    if isinstance(count, (list, tuple)):
        count = len(count)
    return (f"The data loaded here does not pass validation ({count} violations); it is served anyway, "
            "so some facts may be inconsistent." if count else
            "The data loaded here does not pass validation; it is served anyway, so some facts may be inconsistent.")


def _count(store: Store) -> dict:
    """What the home page counts (home-counts.rq: a scan of every type, so once per data version)."""
    counts = {k: v.value for k, v in named.run(store, "home-counts", {})[0].items()}
    counts["triples"] = len(store.oxigraph)
    counts["graphs"] = len(store.named_graphs())
    return counts


home_counts = PerVersion(_count)


@bp.get("/")
def home() -> str:
    store = current_app.extensions["oversight.store"]
    forces = state_index.forces(store)
    label = Labeller(store)
    return render_template("home.html", counts=home_counts(store), forces=[term(r["force"], label) for r in forces],
                           notice=validation_notice(), modified=store.modified)


@bp.get("/search")
def search() -> tuple[str, int]:
    store = current_app.extensions["oversight.store"]
    q = (request.args.get("q") or "").strip()
    label = Labeller(store)
    results = []
    if q:
        for row in named.run(store, "search", {"q": q}):
            results.append((term(row["item"], label), term(row["kind"], label) if row.get("kind") else None,
                            row["match"].value))
    return render_template("search.html", q=q, results=results, sparql=load_query("search")), 200


def _term_from_json(cell: dict | None) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    """A SPARQL JSON results cell back as a pyoxigraph term, for display."""
    if cell is None:
        return None
    if cell["type"] == "uri":
        return ox.NamedNode(cell["value"])
    if cell["type"] == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    return ox.Literal(cell["value"], datatype=ox.NamedNode(cell["datatype"]) if "datatype" in cell else None)


def run_for_table(query: str, label: Labeller) -> dict:
    """Evaluate through the endpoint's executor and shape the answer as a table for the page."""
    store = current_app.extensions["oversight.store"]
    evaluation = executor.evaluate(store, query, timeout_s=current_app.extensions["oversight.settings"].query_timeout_s)
    if evaluation.kind == "graph":
        data = b"".join(evaluation.serialize(by_name("ntriples", GRAPH_FORMATS)))
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        rows = [[term(t.subject, label), term(t.predicate, label), term(t.object, label)] for t in triples]
        return {"kind": "graph", "columns": ["subject", "predicate", "object"], "rows": rows[:MAX_TABLE_ROWS],
                "total": len(rows)}
    answer = json.loads(b"".join(evaluation.serialize(by_name("json", RESULTS_FORMATS))))
    if evaluation.kind == "boolean":
        return {"kind": "boolean", "boolean": answer["boolean"]}
    columns = answer["head"]["vars"]
    bindings = answer["results"]["bindings"]
    rows = [[term(_term_from_json(b.get(c)), label) if b.get(c) else Term("") for c in columns]
            for b in bindings[:MAX_TABLE_ROWS]]
    return {"kind": "solutions", "columns": columns, "rows": rows, "total": len(bindings)}


@bp.route("/query", methods=["GET", "POST"])
def query_page() -> tuple[str, int]:
    """A plain form: type SPARQL (or pick a named query), see the answer as a table. No JavaScript.

    The form POSTs (queries outgrow URLs); `?query=` links work too, and `?name=` runs a named query.
    """
    store = current_app.extensions["oversight.store"]
    name = request.values.get("name")
    query = request.values.get("query")
    if not query and name in EXAMPLE_QUERIES:
        query = load_query(name)
    result, error, status = None, None, 200
    if query:
        try:
            result = run_for_table(query, Labeller(store))
        except SyntaxError as err:
            error, status = f"Malformed query: {err}", 400
        except executor.QueryTimeout:
            error, status = "The query ran past the time limit and was stopped.", 503
        except (executor.QueryRejected, executor.QueryFailed) as err:
            error, status = f"Query not run: {err}", limit_status(err)
    examples = [(n, query_summary(n)) for n in EXAMPLE_QUERIES]
    downloads = {}
    if result and len(query) < 4000:  # longer queries: POST them to /sparql yourself
        names = {"graph": ("turtle", "jsonld"), "solutions": ("csv", "json"), "boolean": ("json",)}[result["kind"]]
        downloads = {n: f"{request.script_root}/sparql?{urlencode({'query': query, 'format': n})}" for n in names}
    return render_template("query.html", query=query or DEFAULT_QUERY, names=examples, result=result, downloads=downloads,
                           error=error), status
