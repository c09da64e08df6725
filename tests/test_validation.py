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
