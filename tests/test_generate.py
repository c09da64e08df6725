"""`oversight generate`: a deterministic synthetic graph that keeps the modelling rules."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import run_cli

PREFIXES = """PREFIX og: <https://w3id.org/oversight/def/oversight#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, ox.Store]:
    path = tmp_path_factory.mktemp("gen") / "g.trig"
    done = run_cli("generate", "--triples", "30k", "--seed", "7", "-o", str(path))
    assert done.returncode == 0, done.stderr
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TRIG)
    return path, store


def rows(store: ox.Store, query: str) -> list:
    return list(store.query(PREFIXES + query, use_default_graph_as_union=True))


def test_same_seed_same_bytes_other_seed_other_graph(generated, tmp_path):
    path, _ = generated
    again, other = tmp_path / "again.trig", tmp_path / "other.trig"
    assert run_cli("generate", "--triples", "30k", "--seed", "7", "-o", str(again)).returncode == 0
    assert run_cli("generate", "--triples", "30k", "--seed", "8", "-o", str(other)).returncode == 0
    assert again.read_bytes() == path.read_bytes()
    assert other.read_bytes() != path.read_bytes()


def test_size_is_close_to_the_request(generated):
    _, store = generated
    assert 30_000 <= len(store) <= 30_000 + 400  # stops at the first document boundary past N


def test_all_43_forces_with_police_uk_ids(generated):
    _, store = generated
    ids = {r["id"].value for r in rows(store, "SELECT ?id { ?f a og:PoliceForce ; og:policeUkId ?id }")}
    assert len(ids) == 43 and {"west-midlands", "metropolitan", "dyfed-powys"} <= ids


def test_every_selector_selects_its_quote(generated):
    _, store = generated
    found = rows(store, """
        SELECT ?content ?start ?end ?exact ?prefix ?suffix WHERE {
          ?occ oa:hasSource ?doc ; oa:hasSelector ?pos, ?quote .
          ?pos oa:start ?start ; oa:end ?end .
          ?quote oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
          ?doc og:archivedText/og:content ?content .
        }""")
    assert len(found) > 100
    for r in found:
        text, start, end = r["content"].value, int(r["start"].value), int(r["end"].value)
        assert text[start:end] == r["exact"].value
        assert text[:start].endswith(r["prefix"].value) and text[end:].startswith(r["suffix"].value)


def test_documents_are_flagged_synthetic_and_their_checksums_match(generated):
    _, store = generated
    import hashlib

    docs = rows(store, "SELECT ?doc ?key ?sha ?content ?note { ?doc og:archivedText ?t . ?t og:sha256 ?sha ; "
                       "og:content ?content . OPTIONAL { ?doc dct:description ?note } }")
    assert docs
    for r in docs:
        assert "/synthetic-" in r["doc"].value and r["content"].value.startswith("[SYNTHETIC]")
        assert "Synthetic" in r["note"].value
        assert hashlib.sha256(r["content"].value.encode()).hexdigest() == r["sha"].value


def test_monitoring_periods_neither_overlap_nor_leave_gaps(generated):
    _, store = generated
    periods: dict[str, list[tuple[date, date | None]]] = {}
    for r in rows(store, "SELECT ?f ?s ?e { ?p a og:MonitoringPeriod ; og:force ?f ; og:startDate ?s "
                         "OPTIONAL { ?p og:endDate ?e } }"):
        end = date.fromisoformat(r["e"].value) if r["e"] else None
        periods.setdefault(r["f"].value, []).append((date.fromisoformat(r["s"].value), end))
    assert len(periods) == 43
    assert any(len(p) > 1 for p in periods.values()), "some force should change phase"
    for spans in periods.values():
        spans.sort()
        assert spans[-1][1] is None  # the current period is open
        for (_, end), (next_start, _) in zip(spans, spans[1:]):
            assert end is not None and end + timedelta(days=1) == next_start


def test_no_cause_closed_while_a_recommendation_is_open(generated):
    _, store = generated
    closed_causes = rows(store, "SELECT ?cause ?d { ?c og:closes ?cause ; og:earliestDate ?d . ?cause a og:CauseOfConcern }")
    assert closed_causes
    for r in closed_causes:
        still_open = store.query(PREFIXES + f"""ASK {{ ?rec og:recommendationFor <{r['cause'].value}> .
            FILTER NOT EXISTS {{ ?c og:closes ?rec ; og:earliestDate ?d . FILTER(?d <= "{r['d'].value}"^^<http://www.w3.org/2001/XMLSchema#date>) }} }}""",
            use_default_graph_as_union=True)
        assert not bool(still_open)


def test_statements_are_quoted_in_more_than_one_source_sometimes(generated):
    _, store = generated
    shared = rows(store, "SELECT ?s (COUNT(?o) AS ?n) { ?s a og:Statement ; og:occurrence ?o } GROUP BY ?s HAVING (COUNT(?o) > 1)")
    assert shared


@pytest.mark.parametrize("args, message", [
    (["--triples", "lots", "-o", "x.trig"], "expected a positive size"),
    (["--triples", "1k", "-o", "x.ttl"], "must be a dataset format"),
])
def test_bad_arguments_are_one_line_errors(args, message, tmp_path):
    done = run_cli("generate", *[str(tmp_path / a) if a.startswith("x.") else a for a in args])
    assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr
