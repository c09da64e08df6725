"""What operators see: JSON access log, /metrics, probes, security headers (issue 7 item 5)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import requests

from conftest import Server, start_process, start_server

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


# Four unbounded patterns over the seed graph: would run for minutes.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_access_log_is_json_with_query_hash_and_metrics_count_requests(tmp_path: Path) -> None:
    srv = start_server("--query-timeout-s", "1", access_log=tmp_path / "access.log")
    try:
        assert requests.get(srv.url + "/sparql", params={"query": QUERY}, timeout=10).status_code == 200
        assert requests.post(srv.url + "/sparql", data={"query": ENDLESS}, timeout=30).status_code == 503
        assert requests.post(srv.url + "/sparql", data={"query": "SELECT nonsense"}, timeout=10).status_code == 400
        assert requests.get(srv.url + "/no/such/page", timeout=10).status_code == 404
        metrics = requests.get(srv.url + "/metrics", timeout=10)
        ready = requests.get(srv.url + "/readyz", timeout=10).json()
    finally:
        srv.stop()
    assert metrics.headers["Content-Type"].startswith("text/plain; version=")
    text = metrics.text
    assert 'oversight_http_requests_total{endpoint="/sparql",method="GET",status="200"} 1.0' in text
    assert 'oversight_http_requests_total{endpoint="/sparql",method="POST",status="400"} 1.0' in text
    assert 'oversight_http_requests_total{endpoint="unmatched",method="GET",status="404"} 1.0' in text
    assert 'oversight_rejected_queries_total{status="400"} 1.0' in text
    assert 'oversight_query_timeouts_total 1.0' in text
    assert 'oversight_http_request_duration_seconds_bucket{endpoint="/sparql",le="+Inf"} 3.0' in text
    assert f'oversight_data_info{{version="{ready["data_version"]}"}} 1.0' in text
    lines = [json.loads(line) for line in (tmp_path / "access.log").read_text().splitlines()]
    get = next(e for e in lines if e["method"] == "GET" and e["path"] == "/sparql")
    assert get["status"] == 200 and get["duration_ms"] >= 0
    assert get["query_hash"] == hashlib.sha256(QUERY.encode()).hexdigest()[:16]
    assert {(e["method"], e["path"], e["status"]) for e in lines} >= {("POST", "/sparql", 400), ("GET", "/no/such/page", 404)}
    assert all(set(e) == {"time", "method", "path", "status", "duration_ms", "query_hash"} for e in lines)


def test_probes(server: Server) -> None:
    assert requests.get(server.url + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz", timeout=10)
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["writes_enabled"] is False and len(body["data_version"]) == 32


def test_html_responses_carry_security_headers(server: Server) -> None:
    page = requests.get(server.url + "/no/such/page", headers={"Accept": "text/html"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    data = requests.get(server.url + "/sparql", params={"query": QUERY}, timeout=10)
    assert data.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in data.headers


def test_the_wsgi_app_serves_under_gunicorn_too() -> None:
    """The README's alternative to `oversight serve`: any WSGI server on `oversight.wsgi:app`."""
    srv = start_process(lambda port: [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                                      "--worker-class", "gthread", "--threads", "4", "oversight.wsgi:app"])
    try:
        answer = requests.get(srv.url + "/sparql", params={"query": QUERY},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        ready = requests.get(srv.url + "/readyz", timeout=10).json()
    finally:
        srv.stop()
    assert answer.status_code == 200 and int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 1000
    assert ready["status"] == "ready" and ready["validation"]["conforms"] is True
