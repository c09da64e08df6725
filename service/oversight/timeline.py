"""A force's journey through monitoring: an SVG timeline and "state on date D", as pages and API.

Both come from named queries (timeline.rq, state-on-date.rq); the SVG is laid out here, server-side,
so the page needs no JavaScript. States (and the list of forces) are read from state_index, a view
of the same answers kept per data version, so a state costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from . import named, state_index, urls
from .namespaces import ID
from .present import Labeller, Term, readable_date, readable_dating, term
from .queries import load_query
from .store import Store

bp = Blueprint("timeline", __name__)

WIDTH, LEFT, RIGHT, LANE = 960, 170, 20, 34
LANES = ("Monitoring phase", "Inspections", "Documents", "Statements")


@dataclass
class Mark:
    """One thing drawn on the timeline (a bar when it has an end, else a point)."""

    lane: int
    x: float
    x2: float | None
    label: str
    href: str | None
    css: str
    when: str


def force_iri(slug: str) -> str:
    return f"{ID}force/{slug}"


def parse_day(value: str | None) -> date:
    return named.date_param("date", value, end=False) if value else date.today()


def layout(rows: list[named.Row], label: Labeller, day: date | None = None) -> dict:
    """Positions for every mark: lanes for phases, inspections, documents, statements, then one lane
    per finding (a bar from its opening to its closing, or to the end of the chart while open)."""
    days = [date.fromisoformat(r[k].value) for r in rows for k in ("start", "end") if r.get(k)]
    rows = list({(r["kind"], r["item"], r.get("finding")): r for r in rows}.values())  # one mark per item
    if not days:
        return {"marks": [], "lanes": [], "ticks": [], "height": 0, "width": WIDTH}
    first, last = min(days) - timedelta(days=15), max(days) + timedelta(days=45)
    span = (last - first).days or 1
    x = lambda d: LEFT + (WIDTH - LEFT - RIGHT) * (d - first).days / span
    lanes = list(LANES)
    finding_lane: dict[ox.NamedNode, int] = {}
    opened: dict[ox.NamedNode, date] = {}
    closed: dict[ox.NamedNode, date] = {}
    closed_when: dict[ox.NamedNode, str] = {}
    marks: list[Mark] = []
    for r in rows:
        kind, item, start = r["kind"].value, r["item"], date.fromisoformat(r["start"].value)
        end = date.fromisoformat(r["end"].value) if r.get("end") else None
        when = readable_dating(r.get("asGiven"), r["start"], r.get("latest"), r.get("givenEnd"))
        if kind == "period":
            phase = label(r["phase"].value)
            marks.append(Mark(0, x(start), x(end or last), f"{phase} from {when}", urls.href(item.value),
                              f"period phase-{phase.lower().replace(' ', '-')}", when))
        elif kind in ("opened", "closed"):
            finding = r["finding"]
            if finding not in finding_lane:
                finding_lane[finding] = len(lanes)
                lanes.append(label(finding.value))
            (opened if kind == "opened" else closed)[finding] = start
            if kind == "closed":
                closed_when[finding] = when
        else:
            lane = {"transition": 0, "inspection": 1, "document": 2, "statement": 3}[kind]
            marks.append(Mark(lane, x(start), x(end) if end and end > start else None,
                              f"{label(item.value)} ({when})", urls.href(item.value), kind, when))
    for finding, lane in finding_lane.items():
        begin = opened.get(finding, first)
        stop = closed.get(finding)
        status = f"closed {closed_when[finding]}" if stop else "open"
        marks.append(Mark(lane, x(begin), x(stop or last), f"{label(finding.value)}: {status}",
                          urls.href(finding.value), "finding closed" if stop else "finding open",
                          readable_date(named.date_literal(begin)) or ""))
    ticks = [(x(date(y, m, 1)), f"{date(y, m, 1):%b %Y}") for y in range(first.year, last.year + 1)
             for m in (1, 4, 7, 10) if first <= date(y, m, 1) <= last]
    marker = x(day) if day is not None and first <= day <= last else None
    return {"marks": marks, "lanes": lanes, "ticks": ticks, "height": LANE * (len(lanes) + 1) + 10,
            "width": WIDTH, "left": LEFT, "lane": LANE, "day": marker}


def state(store: Store, force: str, day: date) -> dict:
    """Phase, open causes of concern and open recommendations: state-on-date.rq's answer, from the index."""
    rows = state_index.state_rows(store, force, day)
    label = Labeller(store)
    pick = lambda kind, cls=None: [term(r["item"], label) for r in rows if r["kind"].value == kind
                                   and (cls is None or r["class"].value.endswith("#" + cls))]
    return {"phase": pick("phase"), "causes": pick("open", "CauseOfConcern"),
            "recommendations": pick("open", "Recommendation")}


@bp.get("/timeline")
def timeline_index() -> str:
    store = current_app.extensions["oversight.store"]
    label = Labeller(store)
    today = date.today()
    forces = [(term(r["force"], label), r["force"].value.rsplit("/", 1)[-1], state(store, r["force"].value, today))
              for r in state_index.forces(store)]
    return render_template("timeline_index.html", forces=forces, today=today)


@bp.get("/timeline/<slug>")
def timeline_page(slug: str) -> str | tuple[str, int]:
    store = current_app.extensions["oversight.store"]
    force = force_iri(slug)
    if not state_index.known_force(store, force):
        abort(404)
    label = Labeller(store)
    error = None
    try:
        day = parse_day(request.args.get("date"))
    except named.BadParameter as err:
        error, day = str(err), date.today()
    rows = named.run(store, "timeline", {"force": ox.NamedNode(force)})
    return render_template("timeline.html", force=term(ox.NamedNode(force), label), slug=slug,
                           chart=layout(rows, label, day), day=day, state=state(store, force, day), error=error,
                           sparql=load_query("timeline"), state_sparql=load_query("state-on-date")), (400 if error else 200)


def requested_force(store: Store) -> str:
    """The `force` argument (IRI or slug) as a force IRI; BadParameter unless the graph has that force."""
    given = (request.args.get("force") or "").strip()
    force = given if given.startswith("http") else force_iri(given)
    if not given or not state_index.known_force(store, force):
        raise named.BadParameter("'force' must name a police force in the graph (IRI or slug)")
    return force


@bp.get("/api/timeline")
def api_timeline() -> Response:
    """`?force=IRI-or-slug[&format=csv]`: the rows of timeline.rq (kind, item, start, end, date as given…)."""
    store = current_app.extensions["oversight.store"]
    fmt = request.args.get("format", "json")
    try:
        force = requested_force(store)
        if fmt not in ("json", "csv"):
            raise named.BadParameter("'format' must be json or csv")
    except named.BadParameter as err:
        return Response(f"{err}\n", status=400, mimetype="text/plain")
    return named.api_response(named.run(store, "timeline", {"force": ox.NamedNode(force)}), fmt, query_name="timeline")


@bp.get("/api/state")
def api_state() -> Response:
    """`?force=IRI-or-slug&date=YYYY-MM-DD`: phase, open causes of concern, open recommendations."""
    store = current_app.extensions["oversight.store"]
    try:
        force = requested_force(store)
    except named.BadParameter as err:
        return Response(f"{err}\n", status=400, mimetype="text/plain")
    try:
        day = parse_day(request.args.get("date"))
    except named.BadParameter as err:
        return Response(f"{err}\n", status=400, mimetype="text/plain")
    found = state(store, force, day)
    as_json = lambda terms: [{"iri": t.iri, "label": t.text} for t in terms]
    return jsonify(force=force, date=day.isoformat(), query="state-on-date",
                   phase=as_json(found["phase"]), open_causes_of_concern=as_json(found["causes"]),
                   open_recommendations=as_json(found["recommendations"]))
