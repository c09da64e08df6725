"""A force's timeline (SVG) and its state on a date, as a page and an API."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import requests

BASE = "https://w3id.org/oversight"
CAUSE = f"{BASE}/id/cause-of-concern/fixture-force/2023-investigations"
RECOMMENDATION = f"{BASE}/id/recommendation/fixture-force/2023-investigations-1"


def state(server, **params) -> requests.Response:
    return requests.get(f"{server.url}/api/state", params=params, timeout=10)


@pytest.mark.parametrize("day,phase,open_findings", [
    ("2023-06-01", "Scan", []),                              # before the inspection's findings
    ("2023-10-01", "Engage", [CAUSE, RECOMMENDATION]),       # issued in the letter of 1 Oct 2023
    ("2024-02-29", "Engage", [CAUSE, RECOMMENDATION]),
    ("2024-03-01", "Engage", []),                            # closed on 1 Mar 2024
    ("2024-03-05", "Scan", []),                              # back to Scan
])
def test_state_on_date(fixture_server, day: str, phase: str, open_findings: list[str]) -> None:
    answer = state(fixture_server, force="fixture-force", date=day).json()
    assert [p["label"] for p in answer["phase"]] == [phase]
    found = [f["iri"] for f in answer["open_causes_of_concern"] + answer["open_recommendations"]]
    assert found == open_findings


def test_state_accepts_the_force_iri(fixture_server) -> None:
    answer = state(fixture_server, force=f"{BASE}/id/force/fixture-force", date="2023-12-25").json()
    assert answer["phase"][0]["iri"] == f"{BASE}/id/concept/monitoring-phase/engage"


@pytest.mark.parametrize("params", [{}, {"force": "atlantis"}, {"force": "fixture-force", "date": "31/12/2023"}])
def test_state_bad_input_is_400(fixture_server, params: dict) -> None:
    response = state(fixture_server, **params)
    assert response.status_code == 400 and response.text.strip()


def test_timeline_page_draws_every_kind_of_event(fixture_server) -> None:
    page = requests.get(f"{fixture_server.url}/timeline/fixture-force", params={"date": "2023-12-01"}, timeout=10)
    assert page.status_code == 200
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    root = ET.fromstring(svg)  # well-formed SVG
    ns = {"s": "http://www.w3.org/2000/svg"}
    classes = {g.get("class") for g in root.iterfind(".//s:g", ns)}
    for expected in ("period phase-scan", "period phase-engage", "transition", "inspection", "document",
                     "statement", "finding closed"):
        assert expected in classes, expected
    links = {a.get("href") for a in root.iterfind(".//s:a", ns)}
    assert "/doc/cause-of-concern/fixture-force/2023-investigations" in links
    # The state on the chosen date, and the queries behind the page.
    state_part = page.text.split('id="state"', 1)[1]
    assert "Engage" in state_part and "Cause of concern: investigations" in state_part
    assert "timeline.rq" in page.text and "state-on-date.rq" in page.text
    # Dates as precise as the source: the inspection is "September 2023", never a made-up day.
    events = page.text.split('class="events"', 1)[1]
    assert "<td>September 2023</td>" in events and "1 September 2023" not in events
    assert root.find(".//s:line[@class='day']", ns) is not None  # the chosen date is marked


def test_unknown_force_timeline_is_404(fixture_server) -> None:
    assert requests.get(f"{fixture_server.url}/timeline/atlantis", timeout=10).status_code == 404
    index = requests.get(f"{fixture_server.url}/timeline", timeout=10)
    assert "/timeline/fixture-force" in index.text
    assert "<td>Scan</td><td>0</td><td>0</td>" in index.text  # today: back in Scan, nothing open


def test_timeline_api(fixture_server) -> None:
    rows = requests.get(f"{fixture_server.url}/api/timeline", params={"force": "fixture-force"}, timeout=10).json()["results"]
    kinds = {(r["kind"], r["item"].rsplit("/", 1)[1]) for r in rows}
    assert ("closed", "2024-03-closure") in kinds and ("opened", "2023-investigations-1") in kinds
    assert ("inspection", "2023-09-peel-inspection") in kinds
    inspection = next(r for r in rows if r["item"].endswith("2023-09-peel-inspection"))
    assert inspection["asGiven"] == "2023-09" and inspection["start"] == "2023-09-01"
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    csv_text = requests.get(f"{fixture_server.url}/api/timeline", params={"force": "fixture-force", "format": "csv"},
                            timeout=10).text
    assert csv_text.splitlines()[0].startswith("kind,item,start")
    for bad in ({"force": "atlantis"}, {"force": "fixture-force", "format": "xml"}):
        assert requests.get(f"{fixture_server.url}/api/timeline", params=bad, timeout=10).status_code == 400
