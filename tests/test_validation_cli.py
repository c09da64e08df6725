"""`oversight validate` and the publishing gate, through the CLI and a real server."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.namespace import SH

from conftest import run_cli, start_server
from test_validation import BASE, FIXTURES, broken_store, expectations

# One broken fixture per theme and every cross-entity rule (all fixtures are checked in-process by
# test_validation.py; here the CLI must report them).
THROUGH_CLI = ["quote-not-verbatim", "quote-offsets-wrong", "cause-closed-while-recommendation-open",
               "finding-closed-before-it-was-made", "monitoring-periods-overlap", "monitoring-gap",
               "transition-from-the-wrong-phase", "event-after-its-document", "ends-before-it-starts",
               "statement-after-its-source", "speaker-did-not-hold-the-post", "statement-without-speaker",
               "graph-without-provenance", "figure-value-not-decimal", "schema-https-namespace"]


def write_broken(name: str, tmp_path) -> str:
    path = tmp_path / f"{name}.trig"
    with path.open("wb") as out:
        broken_store(FIXTURES / "invalid" / f"{name}.ru").dump(out, ox.RdfFormat.TRIG)
    return str(path)


@pytest.mark.parametrize("name", THROUGH_CLI)
def test_cli_reports_each_broken_rule_with_shape_and_focus(name, tmp_path):
    done = run_cli("validate", write_broken(name, tmp_path))
    assert done.returncode == 1, done.stderr
    assert "does NOT conform" in done.stdout
    for shape, focus, _severity in expectations(FIXTURES / "invalid" / f"{name}.ru"):
        assert f"ogsh:{shape.rsplit('#', 1)[1]}" in done.stdout
        assert f"focus <{focus}>" in done.stdout


def test_cli_valid_fixture_and_seed_graph_conform():
    assert run_cli("validate", str(BASE)).returncode == 0
    seed = run_cli("validate")
    assert seed.returncode == 0, seed.stdout
    assert seed.stdout.startswith("Validation conforms")


def test_cli_warnings_alone_conform(tmp_path):
    done = run_cli("validate", write_broken("figure-without-unit", tmp_path))
    assert done.returncode == 0
    assert "warning" in done.stdout and "A figure without a unit" in done.stdout


def test_cli_report_formats(tmp_path):
    broken = write_broken("cause-closed-while-recommendation-open", tmp_path)
    turtle = run_cli("validate", "--format", "turtle", broken)
    assert turtle.returncode == 1
    report = Graph().parse(data=turtle.stdout, format="turtle")
    assert (None, SH.conforms, None) in report
    assert not next(report.objects(None, SH.conforms)).toPython()
    assert len(list(report.subjects(None, SH.ValidationResult))) == 1
    jsonld = run_cli("validate", "--format", "json-ld", broken)
    assert len(list(Graph().parse(data=jsonld.stdout, format="json-ld").subjects(None, SH.ValidationResult))) == 1
    plain = json.loads(run_cli("validate", "--format", "json", broken).stdout)
    assert plain["conforms"] is False and plain["violations"] == 1
    assert plain["results"][0]["shape"].endswith("#CauseOfConcernShape")
    assert plain["results"][0]["sourceGraphs"]


def test_cli_unreadable_input_exits_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    done = run_cli("validate", str(bad))
    assert done.returncode == 2
    assert "bad.ttl" in done.stderr and "Traceback" not in done.stderr
    assert run_cli("validate", str(tmp_path / "missing.ttl")).returncode == 2


def test_loading_commands_refuse_invalid_data(tmp_path):
    broken = write_broken("quote-not-verbatim", tmp_path)
    refused = run_cli("query", "--data", broken, "ASK {}")
    assert refused.returncode == 1
    assert "QuoteVerbatimShape" in refused.stderr and "--allow-invalid" in refused.stderr
    allowed = run_cli("query", "--data", broken, "--allow-invalid", "ASK {}", "--format", "json")
    assert allowed.returncode == 0, allowed.stderr
    assert "does NOT conform" in allowed.stderr


def test_serve_refuses_invalid_data_unless_allowed(tmp_path):
    broken = write_broken("monitoring-periods-overlap", tmp_path)
    with pytest.raises(RuntimeError) as refused:
        start_server("--data", broken)
    assert "MonitoringPeriodShape" in str(refused.value) and "refusing" in str(refused.value)
    server = start_server("--data", broken, "--allow-invalid")
    try:
        status = requests.get(server.url + "/readyz", timeout=10).json()["validation"]
        assert status["checked"] is True and status["conforms"] is False
        assert status["allow_invalid"] is True and status["violations"] == 2
    finally:
        server.stop()


def test_served_seed_graph_reports_that_it_conforms(server):
    status = requests.get(server.url + "/readyz", timeout=10).json()["validation"]
    assert status["checked"] is True and status["conforms"] is True and status["violations"] == 0
