"""Run-time settings: where the data lives, which store to use, and the service's limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .store import RdfSource

# The repository root when running from a checkout (the usual case: `pip install -e .`).
REPO_ROOT = Path(__file__).resolve().parents[2]


def _dir_from_env(name: str, default: Path) -> Path:
    return Path(os.environ[name]) if os.environ.get(name) else default


def _origins_from_env(name: str) -> tuple[str, ...]:
    value = os.environ.get(name)
    return ("*",) if value is None else tuple(o.strip() for o in value.split(",") if o.strip())


@dataclass
class Settings:
    """Everything the app factory and the CLI need to build a service."""

    ontology_dir: Path = field(default_factory=lambda: _dir_from_env("OVERSIGHT_ONTOLOGY_DIR", REPO_ROOT / "ontology"))
    shapes_dir: Path = field(default_factory=lambda: _dir_from_env("OVERSIGHT_SHAPES_DIR", REPO_ROOT / "shapes"))
    data_dir: Path = field(default_factory=lambda: _dir_from_env("OVERSIGHT_DATA_DIR", REPO_ROOT / "graph_data"))
    # On-disk store directory; None keeps the store in memory.
    store_path: Path | None = None
    # "oxigraph": the embedded store; "sparql": a remote SPARQL 1.1 server (remote.py) at these URLs.
    backend: str = "oxigraph"
    query_url: str | None = None
    update_url: str | None = None
    # Seconds shared caches (a CDN) may serve a response without revalidating; 0: always revalidate.
    shared_cache_s: int = 0
    # Other RDF files to serve instead of the seed graph (`serve --data/--graph`).
    sources: list[RdfSource] = field(default_factory=list)
    # Public URL prefix of this deployment (e.g. https://example.org); None: the request's own host.
    public_base: str | None = None
    max_body_bytes: int = 1_000_000
    # Query limits (executor.py): a query past them is stopped or rejected, and truncation is stated.
    query_timeout_s: float = 30.0
    max_result_rows: int = 100_000
    # Origins whose pages may read responses (CORS); "*" any, empty: no CORS headers at all.
    cors_origins: tuple[str, ...] = field(default_factory=lambda: _origins_from_env("OVERSIGHT_CORS_ORIGINS"))
    max_query_bytes: int = 100_000
    max_nesting_depth: int = 64
    max_response_bytes: int = 100_000_000
    cache_bytes: int = 64_000_000  # result cache per worker process; 0 turns it off
    query_processes: int = 0  # query processes per worker; 0: one per CPU, at least two
    query_memory_bytes: int = 2_000_000_000  # address space a query process may add; 0: no limit
    # A query process that has made this much of the store's memory its own is replaced after its
    # answer (executor.py): scans of the in-memory store copy the pages they read.
    query_process_retire_bytes: int = 1 << 30
    # Bearer token that enables writes (SPARQL Update, Graph Store writes); None: read-only service.
    # Never printed: repr=False keeps it out of logs and error pages.
    write_token: str | None = field(default_factory=lambda: os.environ.get("OVERSIGHT_WRITE_TOKEN") or None, repr=False)
    # Hosts that SERVICE (queries, updates) and LOAD (updates) may fetch from; empty: none (no SSRF).
    remote_hosts: tuple[str, ...] = ()

    @property
    def serves_seed_graph(self) -> bool:
        return not self.sources
