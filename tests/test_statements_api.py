"""Who said what, when: /api/statements filters (JSON and CSV), passages, and the statements page."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
import requests

BASE = "https://w3id.org/oversight"
ALEX = f"{BASE}/id/person/alex-example"


def api(server, **params) -> requests.Response:
    return requests.get(f"{server.url}/api/statements", params=params, timeout=10)


def texts(server, **params) -> set[str]:
    response = api(server, **params)
    assert response.status_code == 200, response.text
    return {row["text"] for row in response.json()["results"]}


ALL = {"We accept the findings & will act on them <quickly>.", "The force has made real progress.",
       "the work would go on"}


@pytest.mark.parametrize("params,expected", [
    ({}, ALL),
    ({"speaker": ALEX}, {"We accept the findings & will act on them <quickly>.", "the work would go on"}),
    ({"speaker": "sam"}, {"The force has made real progress."}),
    ({"organisation": f"{BASE}/id/organisation/fixture-inspectorate"}, {"The force has made real progress."}),
    ({"organisation": "fixture constabulary"}, {"We accept the findings & will act on them <quickly>.", "the work would go on"}),
    ({"about": f"{BASE}/id/cause-of-concern/fixture-force/2023-investigations"}, {"We accept the findings & will act on them <quickly>."}),
    ({"about": "fixture constabulary"}, {"The force has made real progress.", "the work would go on"}),
    ({"source": f"{BASE}/id/document/fixture-letter-2023-10-01"}, {"We accept the findings & will act on them <quickly>."}),
    ({"from": "2024-03-02"}, {"The force has made real progress.", "the work would go on"}),
    ({"to": "2024-03-01"}, {"We accept the findings & will act on them <quickly>.", "the work would go on"}),
    ({"from": "2023", "to": "2023"}, {"We accept the findings & will act on them <quickly>."}),
    ({"q": "PROGRESS"}, {"The force has made real progress."}),
    ({"speaker": ALEX, "from": "2024-01"}, {"the work would go on"}),
    # Input that would break a query built by pasting strings matches nothing and harms nothing.
    ({"speaker": '" ) } ; DROP ALL ; #'}, set()),
    ({"q": "\\\" } UNION { ?s ?p ?o"}, set()),
])
def test_filters(fixture_server, params: dict, expected: set[str]) -> None:
    assert texts(fixture_server, **params) == expected


def test_rows_carry_speaker_post_date_precision_and_passage(fixture_server) -> None:
    row = api(fixture_server, speaker="sam").json()["results"][0]
    assert row["speakerName"] == "Sam Sample" and row["postLabel"] == "Inspector, Fixture Inspectorate"
    assert row["date"] == "2024-03-05" and row["precision"] == "day"
    assert row["source"] == f"{BASE}/id/document/fixture-news-2024-03-05"
    # The passage link shows the source text with exactly the quoted words highlighted.
    page = requests.get(row["passage"], timeout=10)
    assert page.status_code == 200
    marked = re.search(r'<mark id="passage">(.*?)</mark>', page.text, re.S)
    assert marked and unescape(marked.group(1)) == row["text"]


def test_passage_highlight_escapes_the_text(fixture_server) -> None:
    row = api(fixture_server, q="quickly").json()["results"][0]
    page = requests.get(row["passage"], timeout=10).text
    assert "&lt;quickly&gt;" in page and "<quickly>" not in page


def test_csv(fixture_server) -> None:
    response = api(fixture_server, speaker=ALEX, format="csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["text"] for r in rows} == {"We accept the findings & will act on them <quickly>.", "the work would go on"}
    assert all(r["speakerName"] == "Alex Example" for r in rows)


@pytest.mark.parametrize("params", [{"from": "yesterday"}, {"to": "2024-13"}, {"from": "2024", "to": "2023"},
                                    {"format": "xml"}])
def test_bad_parameters_are_400(fixture_server, params: dict) -> None:
    response = api(fixture_server, **params)
    assert response.status_code == 400 and response.text.strip()


@pytest.mark.parametrize("query", ["start=5&end=2", "start=a&end=2", "start=0&end=100000"])
def test_bad_passage_is_400(fixture_server, query: str) -> None:
    assert requests.get(f"{fixture_server.url}/text/fixture-letter-2023-10-01?{query}", timeout=10).status_code == 400
    assert requests.get(f"{fixture_server.url}/text/no-such-text", timeout=10).status_code == 404


def test_statements_page_filters_and_shows_its_query(fixture_server) -> None:
    page = requests.get(f"{fixture_server.url}/statements", params={"speaker": ALEX}, timeout=10)
    assert page.status_code == 200
    assert "We accept the findings &amp; will act on them &lt;quickly&gt;." in page.text
    assert "The force has made real progress." not in page.text
    assert "Chief Constable of Fixture Constabulary" in page.text  # post at the time
    assert "1 October 2023" in page.text and "March 2024" in page.text  # readable dates, as precise as given
    assert "statements.rq" in page.text and "?speakerParam" in page.text  # see the SPARQL
    bad = requests.get(f"{fixture_server.url}/statements", params={"from": "soon"}, timeout=10)
    assert bad.status_code == 400 and "must be a date" in bad.text
