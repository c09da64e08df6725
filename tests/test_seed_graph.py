"""The seed graph keeps its promises: every quote is verbatim at its offsets, every text matches its
checksum, every document has its own named graph with provenance, every statement can be traced."""

from __future__ import annotations

import hashlib
from pathlib import Path

import requests

from conftest import REPO

PREFIXES = """
PREFIX og: <https://w3id.org/oversight/def/oversight#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
"""
DATA = REPO / "graph_data"
SEED_FILES = sorted((REPO.parent / "shared" / "seeds").glob("*.txt"))


def select(server, query: str) -> list[dict[str, str]]:
    response = requests.post(server.url + "/sparql", data={"query": PREFIXES + query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def test_every_occurrence_selects_its_exact_words(server):
    rows = select(server, """
        SELECT DISTINCT ?occurrence ?exact ?prefix ?suffix ?start ?end ?content WHERE {
          ?occurrence a og:Occurrence ; oa:hasSource ?doc ;
                      oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix ] ,
                                     [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] .
          ?doc og:archivedText/og:content ?content .
        }""")
    assert len(rows) >= 25
    for row in rows:
        content, start, end = row["content"], int(row["start"]), int(row["end"])
        assert content[start:end] == row["exact"], row["occurrence"]
        assert content[:start].endswith(row["prefix"]) and content[end:].startswith(row["suffix"]), row["occurrence"]


def test_every_statement_is_verbatim_in_one_of_its_sources(server):
    rows = select(server, """
        SELECT DISTINCT ?statement ?text (GROUP_CONCAT(?content; separator="\\u0000") AS ?contents) WHERE {
          ?statement a og:Statement ; schema:text ?text ; og:occurrence/oa:hasSource/og:archivedText/og:content ?content .
        } GROUP BY ?statement ?text""")
    assert len(rows) >= 20
    for row in rows:
        assert any(row["text"] in content for content in row["contents"].split("\u0000")), row["statement"]


def test_archived_texts_are_the_seed_files_with_their_checksums(server):
    rows = select(server, """
        SELECT DISTINCT ?doc ?sha ?file ?content WHERE {
          ?doc og:archivedText ?text ; og:sourceFile ?file . ?text og:sha256 ?sha ; og:content ?content .
        }""")
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in SEED_FILES) or not SEED_FILES
    for row in rows:
        key = row["doc"].rsplit("/", 1)[1]
        raw = (DATA / "texts" / f"{key}.txt").read_bytes()
        assert hashlib.sha256(raw).hexdigest() == row["sha"]
        assert raw.decode("utf-8") == row["content"]
        seed = next((p for p in SEED_FILES if p.name == row["file"]), None)
        if seed:
            assert seed.read_bytes() == raw, "the archived text is the seed file, byte for byte"


def test_every_document_has_its_own_graph_with_provenance(server):
    rows = select(server, """
        SELECT DISTINCT ?doc ?graph WHERE {
          ?doc a og:SourceDocument .
          OPTIONAL { GRAPH ?graph { ?graph og:describesDocument ?doc ; prov:wasDerivedFrom ?doc ; dct:source ?doc } }
        }""")
    assert len(rows) == 5
    for row in rows:
        assert row.get("graph") == row["doc"].replace("/id/document/", "/data/document/"), row


def test_every_statement_has_speaker_date_precision_and_a_source(server):
    rows = select(server, """
        SELECT ?statement WHERE {
          ?statement a og:Statement .
          FILTER NOT EXISTS {
            ?statement og:speaker ?who ; og:datePrecision ?p ; og:earliestDate ?e ; og:latestDate ?l ;
                       og:occurrence/oa:hasSource ?doc .
          }
        }""")
    assert rows == []


def test_stats_lists_every_document_graph():
    from conftest import run_cli
    result = run_cli("stats")
    assert result.returncode == 0, result.stderr
    for ttl in (DATA / "documents").glob("*.ttl"):
        assert f"https://w3id.org/oversight/data/document/{ttl.stem}" in result.stdout
