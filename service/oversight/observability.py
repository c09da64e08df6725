"""What each request did, for operators: one JSON access-log line and Prometheus metrics.

The log goes to standard output, one JSON object a line (as a web server's own access log would); its
lines have the method, path, status, duration and a hash of the query or update (enough to
group repeated queries without logging their text); never headers, so never a token. `/metrics`
serves requests by endpoint and status, a latency histogram, timeouts, rejected queries and the
data version, in the Prometheus text format. Each worker process counts its own requests.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest

from .protocol import operation_text

bp = Blueprint("observability", __name__)

QUERY_PATHS = ("/sparql", "/update")


class Metrics:
    """One app's metrics, in a registry of their own (several apps may live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("oversight_http_requests", "HTTP requests answered, by endpoint and status.",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("oversight_http_request_duration_seconds", "Time to produce a response, by endpoint.",
                                 ["endpoint"], registry=self.registry)
        self.timeouts = Counter("oversight_query_timeouts", "Queries stopped at the time limit (503/504 answers).",
                                registry=self.registry)
        self.rejected = Counter("oversight_rejected_queries", "Queries and updates refused with a 4xx answer, by status.",
                                ["status"], registry=self.registry)
        self.data = Info("oversight_data", "The version of the data being served.", registry=self.registry)
        self.modified = Gauge("oversight_data_modified_timestamp_seconds", "When the data last changed (Unix time).",
                              registry=self.registry)


def init_app(app: Flask) -> None:
    """Time every request, log it and count it; serve /metrics."""
    app.extensions["oversight.metrics"] = Metrics()
    app.before_request(_start_clock)
    app.after_request(_record)
    app.register_blueprint(bp)


class AccessLog:
    """JSON lines on standard output, written and flushed whole under a lock. Not the logging module:
    a LogRecord (caller lookup, thread and process names) costs more than answering a small query."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def write(self, entry: dict) -> None:
        line = json.dumps(entry) + "\n"
        with self._lock:
            sys.stdout.write(line)
            sys.stdout.flush()


ACCESS_LOG = AccessLog()


@bp.get("/metrics")
def metrics() -> Response:
    m: Metrics = current_app.extensions["oversight.metrics"]
    store = current_app.extensions["oversight.store"]
    m.data.info({"version": store.version})
    m.modified.set(store.modified.timestamp())
    return Response(generate_latest(m.registry), content_type=CONTENT_TYPE_LATEST)


def _start_clock() -> None:
    g.oversight_started = time.perf_counter()


def _record(response: Response) -> Response:
    started = g.get("oversight_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    status = response.status_code
    m: Metrics = current_app.extensions["oversight.metrics"]
    m.requests.labels(endpoint, request.method, str(status)).inc()
    m.latency.labels(endpoint).observe(duration)
    if request.path in QUERY_PATHS:
        if status in (503, 504):
            m.timeouts.inc()
        elif 400 <= status < 500 and status != 401:
            m.rejected.labels(str(status)).inc()
    entry = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": request.path,
        "status": status,
        "duration_ms": round(duration * 1000, 2),
        "query_hash": _query_hash(),
    }
    ACCESS_LOG.write(entry)
    return response


def _query_hash() -> str | None:
    """A short SHA-256 of the request's query or update text, if it has one."""
    text = operation_text(request) if request.path in QUERY_PATHS else None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16] if text else None
