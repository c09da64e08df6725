"""Writes through the SHACL gate: SPARQL Update and Graph Store writes, all or nothing (issue 4 item 4,
issue 7 items 1-2)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests

from conftest import Server
from writing import (AUTH, GRAPH, VIOLATION, checksum, count, recording_listener, start_writable, update,  # noqa: F401
                     writable)  # writable: a fixture

NEW_GRAPH = "http://example.org/graph/added"


def version(server: Server) -> str:
    return requests.get(server.url + "/readyz", timeout=10).json()["data_version"]


def test_a_conforming_update_is_applied_and_moves_the_data_version(writable: Server) -> None:
    before, old_version = count(writable), version(writable)
    reply = update(writable, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/note/new> "
                             f"<http://example.org/text> 'added' }} }}")
    assert reply.status_code == 200, reply.text
    assert count(writable) == before + 1
    assert version(writable) != old_version and version(writable) in reply.text
    assert requests.get(writable.url + "/readyz", timeout=10).json()["writes_enabled"] is True


def test_updates_posted_to_the_query_endpoint_are_taken_too(writable: Server) -> None:
    before = count(writable)
    form = requests.post(writable.url + "/sparql", headers=AUTH, timeout=60, data={
        "update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/note/form> <http://example.org/text> 'f' }} }}"})
    direct = requests.post(writable.url + "/sparql", timeout=60,
                           headers={**AUTH, "Content-Type": "application/sparql-update"},
                           data=f"DELETE DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/note/form> <http://example.org/text> 'f' }} }}")
    assert (form.status_code, direct.status_code) == (200, 200)
    assert count(writable) == before


def test_a_write_that_breaks_the_shapes_changes_nothing(writable: Server) -> None:
    before = checksum(writable)
    # A good triple and a bad one in the same update: all or nothing.
    reply = update(writable, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/note/ok> "
                             f"<http://example.org/text> 'fine' . {VIOLATION} }} }}")
    assert reply.status_code == 422
    assert reply.text.startswith("Write rejected") and "PersonShape" in reply.text
    put = requests.put(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, data=VIOLATION,
                       headers={**AUTH, "Content-Type": "text/turtle"}, timeout=60)
    assert put.status_code == 422 and "PersonShape" in put.text
    assert checksum(writable) == before


def test_graph_store_put_post_delete(writable: Server) -> None:
    url, headers = writable.url + "/sparql/graph", {**AUTH, "Content-Type": "text/turtle"}
    one = "<http://example.org/x> <http://example.org/text> 'one' ."
    two = "<http://example.org/y> <http://example.org/text> 'two' ."
    assert requests.put(url, params={"graph": NEW_GRAPH}, data=one, headers=headers, timeout=60).status_code == 201
    assert count(writable, NEW_GRAPH) == 1
    assert requests.post(url, params={"graph": NEW_GRAPH}, data=two, headers=headers, timeout=60).status_code == 204
    assert count(writable, NEW_GRAPH) == 2
    assert requests.put(url, params={"graph": NEW_GRAPH}, data=two, headers=headers, timeout=60).status_code == 204
    assert count(writable, NEW_GRAPH) == 1  # PUT replaced the graph
    got = requests.get(url, params={"graph": NEW_GRAPH}, headers={"Accept": "application/n-triples"}, timeout=10)
    assert got.text.strip() == '<http://example.org/y> <http://example.org/text> "two" .'
    as_jsonld = json.dumps({"@id": "http://example.org/z", "http://example.org/text": "three"})
    assert requests.post(url, params={"graph": NEW_GRAPH}, data=as_jsonld, timeout=60,
                         headers={**AUTH, "Content-Type": "application/ld+json"}).status_code == 204
    assert count(writable, NEW_GRAPH) == 2
    assert requests.delete(url, params={"graph": NEW_GRAPH}, headers=AUTH, timeout=60).status_code == 204
    assert requests.delete(url, params={"graph": NEW_GRAPH}, headers=AUTH, timeout=60).status_code == 404
    assert count(writable, NEW_GRAPH) == 0


@pytest.mark.parametrize("params,content_type,body,status", [
    ({"graph": NEW_GRAPH}, "text/turtle", "<a> <b> ", 400),  # syntax error
    ({"graph": NEW_GRAPH}, "application/x-unknown", "x", 415),
    ({"graph": NEW_GRAPH}, "application/trig", "<http://g> { <http://a> <http://b> <http://c> }", 400),
    ({}, "text/turtle", "", 400),  # no graph named
    ({"graph": "not an iri"}, "text/turtle", "", 400),
    ({"graph": NEW_GRAPH, "default": ""}, "text/turtle", "", 400),
])
def test_bad_graph_store_writes_are_4xx(writable: Server, params, content_type, body, status) -> None:
    reply = requests.put(writable.url + "/sparql/graph", params=params, data=body,
                         headers={**AUTH, "Content-Type": content_type}, timeout=60)
    assert reply.status_code == status and reply.headers["Content-Type"].startswith("text/plain"), reply.text


def test_rdfxml_external_entities_are_refused(writable: Server) -> None:
    before = checksum(writable)
    xxe = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/x"><ex:text>&xxe;</ex:text></rdf:Description>
</rdf:RDF>"""
    reply = requests.put(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, data=xxe,
                         headers={**AUTH, "Content-Type": "application/rdf+xml"}, timeout=60)
    assert reply.status_code == 400 and reply.text.startswith("Malformed rdfxml data")
    assert "root:" not in reply.text
    assert checksum(writable) == before


def test_jsonld_remote_contexts_are_not_fetched(writable: Server) -> None:
    """SSRF via JSON-LD: a remote @context is refused without a connection being made."""
    with recording_listener() as (base, connections):
        doc = json.dumps({"@context": f"{base}/context.jsonld", "@id": "http://example.org/x", "text": "hello"})
        reply = requests.put(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, data=doc,
                             headers={**AUTH, "Content-Type": "application/ld+json"}, timeout=60)
    assert reply.status_code == 400 and "context" in reply.text.lower()
    assert connections == []


def test_service_in_a_query_fetches_nothing(writable: Server) -> None:
    """SSRF via a query: SERVICE to a host nobody allowed is refused, and no connection is made."""
    with recording_listener() as (base, connections):
        reply = requests.get(writable.url + "/sparql", timeout=30,
                             params={"query": f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}"})
    assert 400 <= reply.status_code < 500 and reply.headers["Content-Type"].startswith("text/plain")
    assert connections == []


def test_oversized_bodies_get_413(writable: Server) -> None:
    big = "<http://example.org/x> <http://example.org/text> 'padding' .\n" * 40_000  # 2.5 MB
    put = requests.put(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, data=big,
                       headers={**AUTH, "Content-Type": "text/turtle"}, timeout=60)
    assert put.status_code == 413
    assert update(writable, "INSERT DATA { " + big + " }").status_code == 413
    ten_mb = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 10_000_000
    for kwargs in ({"data": {"query": ten_mb}},
                   {"data": ten_mb, "headers": {"Content-Type": "application/sparql-query"}}):
        reply = requests.post(writable.url + "/sparql", timeout=60, **kwargs)
        assert reply.status_code == 413 and "too large" in reply.text


def test_using_graph_uri_names_the_update_dataset(writable: Server) -> None:
    reply = requests.post(writable.url + "/update", headers=AUTH, timeout=60, data={
        "using-graph-uri": GRAPH,
        "update": f"INSERT {{ GRAPH <{NEW_GRAPH}> {{ ?s <http://example.org/copied> true }} }} "
                  f"WHERE {{ ?s <http://example.org/text> 'note 3' }}"})
    assert reply.status_code == 200, reply.text
    assert count(writable, NEW_GRAPH) == 1
    assert requests.delete(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, headers=AUTH, timeout=60).ok


def test_readers_see_a_write_whole_or_not_at_all(writable: Server) -> None:
    """Concurrent writes of 25 triples each, and readers counting: always a multiple of 25."""
    batch, writes, seen, errors = 25, 4, [], []
    stop = threading.Event()

    def read() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                reply = session.post(writable.url + "/sparql", headers={"Accept": "text/csv"}, timeout=30, data={
                    "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NEW_GRAPH}> {{ ?s ?p ?o }} }}"})
                if reply.status_code != 200:
                    errors.append(reply.status_code)
                else:
                    seen.append(int(reply.text.split()[1]))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for w in range(writes):
            triples = " ".join(f"<http://example.org/w{w}/{i}> <http://example.org/text> 'w' ." for i in range(batch))
            assert update(writable, f"INSERT DATA {{ GRAPH <{NEW_GRAPH}> {{ {triples} }} }}").status_code == 200
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert errors == []
    assert len(seen) > writes and all(n % batch == 0 for n in seen), sorted(set(seen))
    assert max(seen) == batch * writes or count(writable, NEW_GRAPH) == batch * writes
    assert requests.delete(writable.url + "/sparql/graph", params={"graph": NEW_GRAPH}, headers=AUTH, timeout=60).ok


def test_adding_a_graph_is_validated_on_what_it_touches(tmp_path: Path) -> None:
    """A Graph Store POST (or a PUT that creates the graph) is checked on the nodes the new graph
    touches (time in proportion to it, not to the whole store): a violation already in the data
    elsewhere (served with --allow-invalid) does not block it, while the same triples as a SPARQL
    update, validated on the whole graph, are refused. A violation in the added graph still is."""
    old = tmp_path / "old-violation.ttl"
    old.write_text(VIOLATION + "\n")
    srv = start_writable(tmp_path, "--graph", f"http://example.org/graph/old={old}", "--allow-invalid")
    try:
        headers = {**AUTH, "Content-Type": "text/turtle"}
        note = "<http://example.org/note/new> <http://example.org/text> 'new' ."
        as_update = update(srv, f"INSERT DATA {{ GRAPH <{NEW_GRAPH}> {{ {note} }} }}")
        assert as_update.status_code == 422 and "PersonShape" in as_update.text
        added = requests.post(srv.url + "/sparql/graph", params={"graph": NEW_GRAPH}, data=note, headers=headers, timeout=60)
        assert added.status_code == 201, added.text
        assert count(srv, NEW_GRAPH) == 1
        bad = requests.put(srv.url + "/sparql/graph", params={"graph": NEW_GRAPH + "/2"}, timeout=60, headers=headers,
                           data=VIOLATION.replace("bob", "carol"))
        assert bad.status_code == 422 and "carol" in bad.text
    finally:
        srv.stop()
