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


@pytest.mark.parametrize("engine", ["pyshacl"])
def test_valid_fixture_conforms_without_warnings(engine):
    report = validate_store(store_for_files([BASE]), engine=engine)
    assert report.results == [], report.text()


@pytest.mark.parametrize("patch", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_fails_with_exactly_the_expected_shape_and_focus(patch):
    report = validate_store(broken_store(patch), engine="pyshacl")
    assert seen(report) == expectations(patch), report.text()
