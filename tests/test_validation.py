"""The shapes catch what they should: every invalid fixture fails with exactly the expected shape and
focus node, the valid fixture and the seed graph conform, and both engines agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SH

from oversight.namespaces import sparql_prefixes
from oversight.shacl_report import OGSH
from oversight.validation import store_for_files, validate_store

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "base.trig"
INVALID = sorted((FIXTURES / "invalid").glob("*.ru"))
PREFIXES = sparql_prefixes() + f"PREFIX ogsh: <{OGSH}>\n"


def expectations(path: Path) -> set[tuple]:
    """(shape, focus, severity) from the `# shape:`, `# focus:` (and `# severity:`) header lines."""
    text = path.read_text(encoding="utf-8")
    shapes = re.findall(r"^# shape: ogsh:(\S+)$", text, re.M)
    focuses = re.findall(r"^# focus: <(\S+)>$", text, re.M)
    severity = re.search(r"^# severity: (\w+)$", text, re.M)
    assert shapes and len(shapes) == len(focuses), f"{path.name}: needs matching # shape: and # focus: lines"
    sev = SH[severity.group(1)] if severity else SH.Violation
    return {(OGSH[s], URIRef(f), sev) for s, f in zip(shapes, focuses)}


def broken_store(patch: Path):
    store = store_for_files([BASE])
    store.update(PREFIXES + patch.read_text(encoding="utf-8"))
    return store


def seen(report) -> set[tuple]:
    return {(r.shape, r.focus, r.severity) for r in report.results}


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_valid_fixture_conforms_without_warnings(engine):
    report = validate_store(store_for_files([BASE]), engine=engine)
    assert report.results == [], report.text()


@pytest.mark.parametrize("patch", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_fails_with_exactly_the_expected_shape_and_focus(patch):
    """pySHACL (the reference) sees exactly the expected problem, and the fast engine agrees."""
    store = broken_store(patch)
    reference = validate_store(store, engine="pyshacl")
    assert seen(reference) == expectations(patch), reference.text()
    fast = validate_store(store, engine="fast")
    assert {r.key() for r in fast.results} == {r.key() for r in reference.results}, fast.text()


def test_fixture_headers_name_real_shapes():
    from oversight.validation import shapes_graph

    defined = set(shapes_graph().subjects(None, None))
    for patch in INVALID:
        for shape, _focus, _severity in expectations(patch):
            assert shape in defined, f"{patch.name} expects {shape}, which no shapes file defines"


def test_every_shape_has_an_invalid_fixture_and_targets_a_valid_node():
    """Untargeted means unchecked, not valid: every node shape has focus nodes in the valid fixture,
    and an invalid fixture that it catches."""
    from rdflib.namespace import SH as _SH

    from oversight.shacl_fast import compile_shapes
    from oversight.validation import shapes_graph

    shapes = shapes_graph()
    node_shapes = {check.shape for check in compile_shapes(shapes)}
    caught = {shape for patch in INVALID for shape, _f, _s in expectations(patch)}
    assert node_shapes - caught == set(), "shapes without an invalid fixture"
    store = store_for_files([BASE])
    untargeted = [s for s in node_shapes
                  if not validate_focus_nodes(store, shapes, s)]
    assert untargeted == [], f"shapes that target nothing in {BASE.name}"


def validate_focus_nodes(store, shapes, shape) -> list:
    from oversight.shacl_fast import focus_nodes

    return focus_nodes(store, shapes, shape)


@pytest.fixture(scope="module")
def seed_store():
    from oversight.config import Settings
    from oversight.loader import open_store

    return open_store(Settings())


def test_seed_graph_conforms(seed_store):
    report = validate_store(seed_store)
    assert report.conforms, report.text()


def test_seed_graph_same_results_from_both_engines(seed_store):
    fast = validate_store(seed_store, engine="fast")
    reference = validate_store(seed_store, engine="pyshacl")
    assert {r.key() for r in fast.results} == {r.key() for r in reference.results}
    assert reference.conforms


NEW_KEY = "news-2024-09-20-test-force-reaction"
NEW_GRAPH = f"https://w3id.org/oversight/data/document/{NEW_KEY}"


def added_document(exact: str) -> str:
    """SPARQL Update adding one document graph that quotes Lee Freeman (exact: the words it quotes)."""
    doc, text = f"<https://w3id.org/oversight/id/document/{NEW_KEY}>", f"<https://w3id.org/oversight/id/text/{NEW_KEY}>"
    content = "Lee Freeman said: “I recognise the effort the force is making.”"
    import hashlib

    sha = hashlib.sha256(content.encode()).hexdigest()
    day = '"2024-09-20"^^xsd:date'
    precision = "<https://w3id.org/oversight/id/concept/date-precision/day>"
    statement = f"<https://w3id.org/oversight/id/statement/{NEW_KEY}/1>"
    occurrence = f"<https://w3id.org/oversight/id/occurrence/{NEW_KEY}/1>"
    return PREFIXES + f"""INSERT DATA {{ GRAPH <{NEW_GRAPH}> {{
        <{NEW_GRAPH}> a prov:Entity ; og:describesDocument {doc} ; prov:wasDerivedFrom {doc} ; dct:source {doc} .
        {doc} a og:NewsArticle ; dct:title "Reaction"@en ; dct:publisher <https://w3id.org/oversight/id/organisation/hmicfrs> ;
            og:date {day} ; og:datePrecision {precision} ; og:earliestDate {day} ; og:latestDate {day} ; og:archivedText {text} .
        {text} a og:ArchivedText ; og:sha256 "{sha}" ; dct:format "text/plain; charset=utf-8" ; og:content "{content}" .
        {statement} a og:Statement ; og:speaker <https://w3id.org/oversight/id/person/lee-freeman> ;
            og:speakerPost <https://w3id.org/oversight/id/post/hmicfrs/inspector> ; schema:text "{exact}"@en ;
            og:speechMode <https://w3id.org/oversight/id/concept/speech-mode/direct-quote> ;
            og:date {day} ; og:datePrecision {precision} ; og:earliestDate {day} ; og:latestDate {day} ; og:occurrence {occurrence} .
        {occurrence} a og:Occurrence ; oa:hasSource {doc} ; oa:hasSelector <{occurrence[1:-1]}#q>, <{occurrence[1:-1]}#p> .
        <{occurrence[1:-1]}#q> a oa:TextQuoteSelector ; oa:exact "{exact}" .
        <{occurrence[1:-1]}#p> a oa:TextPositionSelector ; oa:start 19 ; oa:end {19 + len(exact)} .
    }} }}"""


@pytest.mark.parametrize("exact, expected", [
    ("I recognise the effort the force is making.", set()),
    ("I recognise the efforts the force is making.", {"QuoteVerbatimShape"}),
])
def test_incremental_validation_of_an_added_document_matches_full_validation(exact, expected):
    from oversight.validation import focus_of_graph, validate_added_graph

    store = store_for_files([BASE])
    store.update(added_document(exact))
    incremental = validate_added_graph(store, NEW_GRAPH)
    full = validate_store(store)
    assert {r.shape.rsplit("#", 1)[1] for r in incremental.results} == expected
    assert {r.key() for r in incremental.results} == {r.key() for r in full.results}
    assert incremental.focus_nodes == len(focus_of_graph(store, NEW_GRAPH)) < 30
