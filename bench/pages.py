"""Latency of the linked-data pages on the seed graph, in process (Flask test client, no network).

    .venv/bin/python bench/pages.py [--repeat N]

For every IRI of the seed graph under /id/ it fetches the HTML page and the Turtle description, then
the statements page and API, every force's timeline, the VoID description and the dumps, and prints
the median and 95th percentile per kind. Target: HTML resource pages p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import pyoxigraph as ox

from oversight.app import create_app
from oversight.namespaces import DATA_BASE

TARGET_P95_S = 0.2


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = create_app()
    logging.getLogger("oversight.access").disabled = True  # one JSON line per request would bury the table
    client = app.test_client()
    store = app.extensions["oversight.store"]
    things = sorted({t.value for q in store.oxigraph.quads_for_pattern(None, None, None, None)
                     for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
                     and t.value.startswith(f"{DATA_BASE}/id/") and "#" not in t.value})
    forces = sorted(t.split("/force/", 1)[1] for t in things if "/id/force/" in t)
    kinds: dict[str, list[str]] = {
        "resource page (HTML)": [f"/doc/{t[len(DATA_BASE) + 4:]}" for t in things],
        "resource description (Turtle)": [f"/doc/{t[len(DATA_BASE) + 4:]}.ttl" for t in things],
        "statements page": ["/statements"],
        "statements API": ["/api/statements", "/api/statements?q=force&format=csv"],
        "timeline page": [f"/timeline/{f}" for f in forces],
        "VoID": ["/.well-known/void?format=turtle"],
        "dump (TriG, cached after first)": ["/data/dump.trig"],
    }
    print(f"{len(things)} things in the seed graph; {args.repeat} rounds\n")
    print(f"{'what':34} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for kind, paths in kinds.items():
        samples = []
        for _ in range(args.repeat):
            for path in paths:
                started = time.perf_counter()
                response = client.get(path, headers={"Accept": "text/html"})
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200, (path, response.status_code)
        p95 = percentile(samples, 0.95)
        if kind.startswith("resource page"):
            worst = p95
        print(f"{kind:34} {len(samples):>8} {statistics.median(samples) * 1000:>10.1f} {p95 * 1000:>8.1f}")
    verdict = "meets" if worst <= TARGET_P95_S else "MISSES"
    print(f"\nHTML resource pages p95 {worst * 1000:.0f} ms: {verdict} the {TARGET_P95_S * 1000:.0f} ms target")


if __name__ == "__main__":
    main()
