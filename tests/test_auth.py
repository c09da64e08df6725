"""Writes are off unless configured, and then demand the bearer token (issue 7 item 4, issue 4 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from conftest import Server, run_cli, start_server
from writing import AUTH, TOKEN, checksum, recording_listener, writable  # noqa: F401 - a fixture

INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/p> 'x' } }"


def test_writes_are_disabled_without_a_token(server: Server) -> None:
    before = checksum(server)
    update = requests.post(server.url + "/update", data={"update": INSERT}, timeout=10)
    assert update.status_code == 404 and "read-only" in update.text
    via_sparql = requests.post(server.url + "/sparql", data={"update": INSERT}, timeout=10)
    assert via_sparql.status_code == 403 and "read-only" in via_sparql.text
    for method in ("PUT", "POST", "DELETE"):
        reply = requests.request(method, server.url + "/sparql/graph", params={"default": ""},
                                 data=b"<http://a> <http://b> <http://c> .", headers={"Content-Type": "text/turtle"}, timeout=10)
        assert reply.status_code == 405 and reply.headers["Allow"] == "GET, HEAD" and "read-only" in reply.text
    assert checksum(server) == before


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789abcdef", f"Basic {TOKEN}",
                                           f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer", f"bearer  {TOKEN[1:]}"])
def test_missing_or_wrong_token_gets_the_same_401(writable: Server, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    before = checksum(writable)
    for method, path, kwargs in [("POST", "/update", {"data": {"update": INSERT}}),
                                 ("POST", "/sparql", {"data": {"update": INSERT}}),
                                 ("PUT", "/sparql/graph?default", {"data": b"<http://a> <http://b> <http://c> ."}),
                                 ("DELETE", "/sparql/graph?graph=http://example.org/g", {})]:
        reply = requests.request(method, writable.url + path, headers=headers, timeout=10, **kwargs)
        assert reply.status_code == 401, (method, path)
        assert reply.headers["WWW-Authenticate"] == 'Bearer realm="oversight-graph"'
        assert reply.text == "Authorisation required: send 'Authorization: Bearer <write token>'.\n"
    assert checksum(writable) == before


def test_remote_load_and_service_in_updates_are_refused(writable: Server) -> None:
    """SSRF: no update makes the server connect to a host the operator did not allow."""
    with recording_listener() as (base, connections):
        target = f"{base}/data.ttl"
        for update in [f"LOAD <{target}>", f"LOAD SILENT <{target}> INTO GRAPH <http://example.org/g>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ BIND(<{target}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
                       "LOAD <file:///etc/passwd>"]:
            reply = requests.post(writable.url + "/update", data={"update": update}, headers=AUTH, timeout=10)
            assert reply.status_code == 400, update
            assert reply.text.startswith("Update refused:"), reply.text
    assert connections == []


def test_malformed_update_is_400(writable: Server) -> None:
    reply = requests.post(writable.url + "/update", data="INSERT DATA { <a> <b> ",
                          headers={**AUTH, "Content-Type": "application/sparql-update"}, timeout=10)
    assert reply.status_code == 400 and "malformed update" in reply.text.lower()


def test_the_token_never_reaches_the_log(tmp_path: Path) -> None:
    srv = start_server(env={"OVERSIGHT_WRITE_TOKEN": TOKEN}, access_log=tmp_path / "access.log")
    try:
        for auth in (TOKEN, TOKEN + "-wrong"):
            requests.post(srv.url + "/update", data={"update": "garbage"}, headers={"Authorization": f"Bearer {auth}"}, timeout=10)
            requests.get(srv.url + "/sparql", params={"query": "ASK {}"}, headers={"Authorization": f"Bearer {auth}"}, timeout=10)
    finally:
        srv.stop()
    log = (tmp_path / "access.log").read_text() + srv.log()
    assert log.count('"path": "/update"') == 2  # the requests were logged...
    assert TOKEN not in log  # ...without the token


@pytest.mark.parametrize("token", ["short", "has a space in the middle of it"])
def test_weak_token_is_refused_at_start(token: str, tmp_path: Path) -> None:
    done = run_cli("serve", "--port", "0", env={"OVERSIGHT_WRITE_TOKEN": token})
    assert done.returncode == 2
    assert done.stderr.startswith("oversight: error:") and "at least 16 characters" in done.stderr
    assert token not in done.stderr and "Traceback" not in done.stderr
