"""Each competency question's named query, sent over HTTP to the running service, gives the seed answer.

The expected answers come from ../shared/competency-questions.md and the five seed documents; the queries
are the .rq files users read and reuse (service/oversight/queries/cqNN-*.rq).
"""

from __future__ import annotations

import pytest
import requests

from oversight.queries import load_query

ID = "https://w3id.org/oversight/id/"
REVISIT_LETTER = "West Midlands Police: PEEL causes of concern revisit letter"
SCAN_LETTER = "West Midlands Police: return to default phase of monitoring"
NEWS_PAGE = "West Midlands Police removed from enhanced monitoring"
BBC = "Police in special measures address failings"
NOV_2023_ARTICLE = "West Midlands Police under heavy criticism following latest inspection"


def ask(server, name: str) -> list[dict[str, str]]:
    """Run a named query through /sparql (POST, SPARQL JSON) and return plain rows."""
    response = requests.post(server.url + "/sparql", data={"query": load_query(name)},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [{var: cell["value"] for var, cell in row.items()} for row in bindings]


def test_cq01_moved_into_engage(server):
    rows = ask(server, "cq01-moved-into-engage")
    assert [(r["force"], r["effectiveOn"]) for r in rows] == [("West Midlands Police", "2023-11-24")]
    assert set(rows[0]["sources"].split(" | ")) == {NEWS_PAGE, SCAN_LETTER}


def test_cq02_who_decided_return_to_scan(server):
    rows = ask(server, "cq02-return-to-scan-decision")
    assert rows == [{
        "force": "West Midlands Police",
        "decidedBy": "Andy Cooke",
        "post": "His Majesty’s Chief Inspector of Constabulary and Fire & Rescue Services",
        "communicatedOn": "2024-09-18",
        "communicatedIn": SCAN_LETTER,
        "effectiveOn": "2024-09-18",
        "effectiveAsPrinted": "with immediate effect",
    }]


def test_cq03_what_craig_guildford_said(server):
    rows = ask(server, "cq03-what-did-person-say")
    assert len(rows) == 5
    assert {r["post"] for r in rows} == {"Chief Constable of West Midlands Police"}
    assert {r["date"] for r in rows} == {"2023-11-24"}
    assert {r["precision"] for r in rows} == {"day"}
    assert {r["source"] for r in rows} == {NOV_2023_ARTICLE}
    assert sorted(r["speechMode"] for r in rows) == ["direct quote"] * 4 + ["reported speech"]
    openings = sorted(r["text"][:40] for r in rows)
    assert openings == sorted([
        "Although I remain respectful of HMICFRS,",
        "he disagrees with the report.",
        "As a result of these rapid changes we ar",
        "I want to reassure people that we had al",
        "We already have plans in place to addres",
    ])


def test_cq04_causes_of_concern_from_2023_peel_inspection(server):
    rows = ask(server, "cq04-causes-of-concern-from-inspection")
    assert {r["cause"].removeprefix(ID + "cause-of-concern/west-midlands/") for r in rows} == {
        "2023-marac", "2023-registered-sex-offenders", "2023-online-child-abuse-offenders", "2023-investigations"}
    assert {r["inspectionDate"] for r in rows} == {"2023-09"}
    texts = " ".join(r["text"] for r in rows)
    for words in ("multi-agency risk assessment conferences (MARACs)", "registered sex offenders",
                  "online child abuse offenders", "effective investigations which lead to satisfactory results"):
        assert words in texts


def test_cq05_causes_open_on_18_september_2024(server):
    rows = ask(server, "cq05-open-causes-of-concern-on-date")
    assert [r["cause"] for r in rows] == [ID + "cause-of-concern/west-midlands/2023-investigations"]


def test_cq06_recommendations_closed_on_17_september_2024(server):
    rows = ask(server, "cq06-recommendations-closed-on-date")
    status = {r["text"]: r["status"] for r in rows}
    assert len(status) == 5
    closed = sorted(t for t, s in status.items() if s == "closed")
    still_open = sorted(t for t, s in status.items() if s == "open")
    assert closed == sorted([
        "make sure staff and officers have sufficient skills and capabilities to carry out high-quality investigations",
        "make sure it carries out proportionate, thorough and timely investigations into reported crimes, which are supervised effectively",
        "make sure investigation plans are created where applicable and that all investigative opportunities are taken",
    ])
    assert still_open == sorted([
        "make sure it consistently achieves appropriate outcomes for victims",
        "make sure it is using outcomes appropriately, in a way that complies with force and national policies, leading to satisfactory results for victims",
    ])


def test_cq07_offences_brought_to_justice_rate_by_year(server):
    rows = ask(server, "cq07-figures-by-period")
    assert [(r["value"], r["unit"], r["periodStart"], r["periodEnd"], r["periodAsPrinted"]) for r in rows] == [
        ("5.5", "percent", "2023-04-01", "2024-03-31", "the year ending 31 March 2024"),
        ("4.5", "percent", "2022-04-01", "2023-03-31", "the year ending 31 March 2023"),
    ]
    assert {(r["kind"], r["source"]) for r in rows} == {("finding", SCAN_LETTER)}


def test_cq08_what_wendy_williams_said_about_engage(server):
    rows = ask(server, "cq08-what-did-person-say-about-engage")
    assert len(rows) == 1
    row = rows[0]
    assert row["post"] == "His Majesty’s Inspector of Constabulary"
    assert row["source"] == NOV_2023_ARTICLE
    assert row["text"].startswith("We move police forces into our enhanced level of monitoring, known as 'engage'")
    assert row["text"].endswith("against these important and necessary changes.")
    assert row["text"].count("\n\n“") == 1, "one quote of two paragraphs"


def test_cq09_statements_between_july_and_december_2024(server):
    rows = ask(server, "cq09-statements-between-dates")
    found = sorted((r["speaker"], r["source"], r["precision"], r["text"][:30]) for r in rows)
    assert found == sorted([
        ("Lee Freeman", REVISIT_LETTER, "day", "I recognise the effort the for"),
        ("Lee Freeman", BBC, "between", "I recognise the effort the for"),
        ("Lee Freeman", NEWS_PAGE, "between", "I am pleased with the progress"),
        ("Simon Foster", BBC, "between", "pleased"),
        ("Simon Foster", BBC, "between", "he was pleased with the action"),
        ("Simon Foster", BBC, "between", "I am committed to constant and"),
    ])
    for row in rows:
        assert "2024-07-01" <= row["earliest"] <= row["latest"] <= "2024-12-31"
    assert {r["post"] for r in rows} == {"His Majesty’s Inspector of Constabulary",
                                         "West Midlands Police and Crime Commissioner"}


def test_cq10_same_words_in_several_sources(server):
    rows = ask(server, "cq10-same-words-in-several-sources")
    assert len(rows) == 1
    assert rows[0]["speaker"] == "Lee Freeman"
    assert rows[0]["text"].startswith("I recognise the effort the force is making")
    assert rows[0]["sourceCount"] == "2"
    assert set(rows[0]["sources"].split(" | ")) == {REVISIT_LETTER, BBC}


@pytest.mark.parametrize("name", [f"cq{n:02d}" for n in range(1, 11)])
def test_every_competency_question_has_a_commented_query(name):
    from oversight.queries import query_names
    matches = [q for q in query_names() if q.startswith(name + "-")]
    assert len(matches) == 1, f"one .rq file per competency question, found {matches}"
    assert load_query(matches[0]).lstrip().startswith("# CQ")
