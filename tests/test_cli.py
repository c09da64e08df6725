"""The `oversight` command line, run as a user runs it: a subprocess, its output and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from conftest import run_cli

EXAMPLE = """@prefix ex: <http://example.org/> .
ex:alice ex:knows ex:bob .
ex:bob a ex:Person .
"""


@pytest.fixture
def example_ttl(tmp_path: Path) -> Path:
    path = tmp_path / "example.ttl"
    path.write_text(EXAMPLE)
    return path


@pytest.fixture
def broken_ttl(tmp_path: Path) -> Path:
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    return path


@pytest.mark.parametrize("command", ["serve", "query", "export", "stats"])
def test_every_command_has_help(command: str) -> None:
    done = run_cli(command, "--help")
    assert done.returncode == 0
    assert "Usage: oversight " + command in done.stdout


def test_query_outputs_table_csv_and_json(example_ttl: Path) -> None:
    query = "SELECT ?who WHERE { ?who <http://example.org/knows> ?whom }"
    table = run_cli("query", "--data", str(example_ttl), query)
    assert table.returncode == 0, table.stderr
    assert "http://example.org/alice" in table.stdout and "(1 row)" in table.stdout
    csv = run_cli("query", "--data", str(example_ttl), "--format", "csv", query)
    assert csv.stdout.splitlines() == ["who", "http://example.org/alice"]
    answer = json.loads(run_cli("query", "--data", str(example_ttl), "--format", "json", query).stdout)
    assert answer["results"]["bindings"][0]["who"]["value"] == "http://example.org/alice"


def test_query_from_rq_file(example_ttl: Path, tmp_path: Path) -> None:
    rq = tmp_path / "persons.rq"
    rq.write_text("# persons\nSELECT ?p WHERE { ?p a <http://example.org/Person> }\n")
    done = run_cli("query", "--data", str(example_ttl), "--format", "csv", str(rq))
    assert done.stdout.splitlines() == ["p", "http://example.org/bob"]


def test_malformed_query_is_one_line_error(example_ttl: Path) -> None:
    done = run_cli("query", "--data", str(example_ttl), "SELECT * WHERE { ?s ?p }")
    assert done.returncode != 0
    assert done.stderr.startswith("oversight: error: malformed query")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_parse_error_names_file_line_and_column(broken_ttl: Path) -> None:
    done = run_cli("stats", "--data", str(broken_ttl))
    assert done.returncode == 2
    assert f"{broken_ttl}:3:11:" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_is_one_line_error() -> None:
    done = run_cli("stats", "--data", "/nonexistent/file.ttl")
    assert done.returncode == 2 and "No such file" in done.stderr and "Traceback" not in done.stderr


def test_bad_graph_option() -> None:
    done = run_cli("stats", "--graph", "no-equals-sign")
    assert done.returncode == 2 and "IRI=FILE" in done.stderr


def test_loading_is_all_or_nothing_on_disk(example_ttl: Path, broken_ttl: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run_cli("stats", "--store", str(store), "--graph", f"http://example.org/g={example_ttl}")
    assert first.returncode == 0 and "2 quads" in first.stdout
    # A second load whose last file is broken must leave the store exactly as it was.
    second = run_cli("stats", "--store", str(store), "--graph", f"http://example.org/h={example_ttl}",
                     "--data", str(broken_ttl))
    assert second.returncode == 2
    reopened = run_cli("stats", "--store", str(store))
    assert reopened.returncode == 0 and "2 quads in 1 named graphs" in reopened.stdout


def test_a_failed_first_load_on_disk_leaves_an_empty_store(example_ttl: Path, broken_ttl: Path, tmp_path: Path) -> None:
    # The first load into a new store is a bulk load (RocksDB files written directly); a broken
    # file must still leave nothing behind, and the store must take a good load afterwards.
    store = tmp_path / "store"
    failed = run_cli("stats", "--store", str(store), "--graph", f"http://example.org/g={example_ttl}",
                     "--data", str(broken_ttl))
    assert failed.returncode == 2
    # (reopened empty with no sources, the store gets the seed graph, as any new store does)
    count = "SELECT (COUNT(*) AS ?n) { GRAPH <http://example.org/g> { ?s ?p ?o } }"
    done = run_cli("query", "--store", str(store), "--format", "csv", count)
    assert done.returncode == 0 and done.stdout.splitlines() == ["n", "0"]
    assert run_cli("stats", "--store", str(store), "--graph", f"http://example.org/g={example_ttl}").returncode == 0
    done = run_cli("query", "--store", str(store), "--format", "csv", count)
    assert done.returncode == 0 and done.stdout.splitlines() == ["n", "2"]


def test_store_is_reopened_without_reloading(example_ttl: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("stats", "--store", str(store), "--data", str(example_ttl)).returncode == 0
    done = run_cli("query", "--store", str(store), "--format", "csv", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert done.stdout.splitlines() == ["n", "2"]


@pytest.mark.parametrize("fmt, parser", [("trig", "trig"), ("nquads", "nquads"), ("turtle", "turtle"), ("json-ld", "json-ld")])
def test_export_round_trips(fmt: str, parser: str, example_ttl: Path, tmp_path: Path) -> None:
    out = tmp_path / f"export.{fmt}"
    done = run_cli("export", "--graph", f"http://example.org/g={example_ttl}", "--format", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    dataset = rdflib.Dataset()
    dataset.parse(out, format=parser)
    assert len(list(dataset.quads())) == 2


def test_export_to_stdout(example_ttl: Path) -> None:
    done = run_cli("export", "--data", str(example_ttl), "--format", "nquads")
    assert done.returncode == 0 and done.stdout.count("\n") == 2
