"""Bounded load test: 8-32 concurrent clients against a real server on 127.0.0.1 (issue 7, done-when).

    .venv/bin/python bench/load.py [--clients 16] [--seconds 60] [--threads 8]

Starts `oversight serve` on the seed graph, then every client (a thread with its own keep-alive
session) loops over a mix of requests for the given time: the competency-question queries by GET
and POST in several result formats, Graph Store reads, linked-data pages and the probes. Every
answer must be 200; the run reports throughput and latency percentiles, and exits non-zero if any
request failed. The result cache is part of the service, so repeated queries are served from it,
as they would be in production.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

QUERIES = Path(__file__).resolve().parents[1] / "service" / "oversight" / "queries"
FORMATS = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml", "text/tab-separated-values"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "oversight", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited: {process.stderr.read().decode()}")
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    sys.exit("server did not start")


def workload(url: str) -> list[tuple[str, str, dict]]:
    """(method, url, requests kwargs) for every request in the mix that answers 200 on this server."""
    mix: list[tuple[str, str, dict]] = []
    for i, path in enumerate(sorted(QUERIES.glob("cq*.rq"))):
        query, accept = path.read_text(), {"Accept": FORMATS[i % len(FORMATS)]}
        mix.append(("GET", url + "/sparql", {"params": {"query": query}, "headers": accept}))
        mix.append(("POST", url + "/sparql", {"data": {"query": query}, "headers": accept}))
    mix += [("GET", url + "/sparql/graph", {"params": {"default": ""}, "headers": {"Accept": "text/turtle"}}),
            ("GET", url + "/sparql", {"headers": {"Accept": "text/turtle"}}),  # service description
            ("GET", url + "/", {"headers": {"Accept": "text/html"}}),
            ("GET", url + "/statements", {"headers": {"Accept": "text/html"}}),
            ("GET", url + "/healthz", {}), ("GET", url + "/readyz", {})]
    usable = []
    for method, target, kwargs in mix:
        status = requests.request(method, target, timeout=60, **kwargs).status_code
        if status == 200:
            usable.append((method, target, kwargs))
        else:
            print(f"left out of the mix ({status}): {method} {target[len(url):]}", file=sys.stderr)
    return usable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, choices=range(8, 33), metavar="8-32")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8, help="server threads per worker")
    args = parser.parse_args()
    process, url = start(args.threads)
    try:
        mix = workload(url)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client(n: int) -> None:
            session, i = requests.Session(), n
            while time.monotonic() < stop_at:
                method, target, kwargs = mix[i % len(mix)]
                i += 1
                started = time.perf_counter()
                try:
                    status = session.request(method, target, timeout=60, **kwargs).status_code
                    problem = None if status == 200 else f"{status} {method} {target[len(url):]}"
                except requests.RequestException as err:
                    problem = f"{type(err).__name__} {method} {target[len(url):]}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

        started = time.monotonic()
        clients = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        wall = time.monotonic() - started
        alive = process.poll() is None and requests.get(url + "/healthz", timeout=10).ok
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    ordered = sorted(latencies)
    pct = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    print(f"{args.clients} clients, {wall:.0f} s, {len(mix)} kinds of request, server threads {args.threads}")
    print(f"requests {len(latencies)}  errors {len(errors)}  throughput {len(latencies) / wall:.0f} req/s")
    print(f"latency ms: median {statistics.median(ordered) * 1000:.1f}  p95 {pct(0.95):.1f}  "
          f"p99 {pct(0.99):.1f}  max {ordered[-1] * 1000:.1f}")
    print(f"server alive afterwards: {alive}")
    for problem in sorted(set(errors))[:10]:
        print("  error:", problem)
    sys.exit(0 if not errors and alive else 1)


if __name__ == "__main__":
    main()
