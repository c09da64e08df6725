"""The pages in a real headless browser (Debian's chromium driven by Playwright).

Opens the home page, a person's page, the statements page filtered by speaker, a timeline and the
query page (runs a query, sees its results), and writes a screenshot of each to tests/artifacts/.
.ci/run installs chromium; elsewhere these tests skip, saying why, when no chromium can be found.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("OVERSIGHT_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium found: install it with `apt-get install -y chromium` (.ci/run does) "
                    "or point OVERSIGHT_CHROMIUM at one")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, fixture_server):
    context = browser.new_context(base_url=fixture_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"browser console errors (CSP violations, broken resources): {errors}"


ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push('html has no lang');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  for (const el of document.querySelectorAll('input, select, textarea'))
    if (!el.labels || el.labels.length === 0) problems.push('unlabelled ' + el.name);
  for (const svg of document.querySelectorAll('svg'))
    if (!svg.querySelector('title')) problems.push('svg without title');
  for (const a of document.querySelectorAll('a'))
    if (!a.textContent.trim() && !a.querySelector('title')) problems.push('link without text ' + a.href);
  return problems;
}"""


def shot(tab, name: str) -> None:
    """Basic accessibility checks, then a full-page screenshot as a test artifact."""
    assert tab.evaluate(ACCESSIBILITY_PROBLEMS) == []
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000


def test_home(page) -> None:
    page.goto("/")
    assert page.inner_text("h1") == "Oversight Graph"
    assert "3 statements" in page.inner_text("ul.counts")
    # The stylesheet loaded (served locally, allowed by the CSP): the header is coloured.
    assert page.eval_on_selector("header", "el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    shot(page, "home")


def test_person_page_and_passage(page) -> None:
    page.goto("/id/person/alex-example")  # the IRI's path: 303, then the HTML document
    assert page.url.endswith("/doc/person/alex-example")
    assert page.inner_text("h1") == "Alex Example"
    assert page.get_by_text("Statements by Alex Example").is_visible()
    shot(page, "person")
    page.locator("a.passage").first.click()
    mark = page.locator("mark#passage")
    assert mark.inner_text() == "We accept the findings & will act on them <quickly>."
    assert mark.is_visible()
    shot(page, "passage")


def test_statements_filtered_by_speaker(page) -> None:
    page.goto("/statements")
    assert page.locator("li.statement").count() == 3
    page.select_option("select[name=speaker]", label="Sam Sample (1)")
    page.get_by_role("button", name="Show statements").click()
    page.wait_for_load_state()
    assert "speaker=" in page.url
    assert page.locator("li.statement").count() == 1
    assert page.locator("li.statement a.speaker").inner_text() == "Sam Sample"
    shot(page, "statements-by-speaker")


def test_timeline(page) -> None:
    page.goto("/timeline/fixture-force?date=2023-12-01")
    svg = page.locator("figure.timeline svg")
    assert svg.is_visible()
    assert svg.locator("g.finding").count() == 2 and svg.locator("g.period").count() == 3
    assert "Engage" in page.inner_text("dd.phase")
    shot(page, "timeline")


def test_query_page_runs_a_query(page) -> None:
    page.goto("/query")
    page.fill("textarea#query", "PREFIX schema: <http://schema.org/>\n"
                                "SELECT ?name WHERE { ?person schema:givenName ?name } ORDER BY ?name")
    page.click("button#run")
    page.wait_for_selector("table.results")
    cells = page.locator("table.results tbody td").all_inner_texts()
    assert cells == ["Alex", "Sam"]
    shot(page, "query")


@pytest.mark.skipif(not (REPO / "graph_data" / "reference.ttl").exists(), reason="no seed graph in graph_data/ yet")
def test_seed_graph_pages(browser, server) -> None:
    """The same journey on the real seed graph: a person, their statements, the force's timeline."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        tab.goto("/statements")
        speaker = tab.locator("select[name=speaker] option", has_text="Lee Freeman")
        tab.select_option("select[name=speaker]", value=speaker.first.get_attribute("value"))
        tab.get_by_role("button", name="Show statements").click()
        tab.wait_for_load_state()
        speakers = set(tab.locator("li.statement a.speaker").all_inner_texts())
        assert speakers == {"Lee Freeman"}
        shot(tab, "seed-statements-lee-freeman")
        tab.locator("li.statement a.speaker").first.click()
        assert tab.inner_text("h1") == "Lee Freeman"
        shot(tab, "seed-person")
        tab.goto("/timeline/west-midlands?date=2024-09-18")
        assert tab.locator("figure.timeline svg g.finding").count() >= 9  # CQ4: 4 causes; CQ6: 5 recommendations
        shot(tab, "seed-timeline")
    finally:
        context.close()
