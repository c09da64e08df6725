"""Serving: `oversight serve` runs the app under Granian; `oversight.wsgi:app` is the same app for
any other WSGI server (`gunicorn oversight.wsgi:app`, `granian --interface wsgi oversight.wsgi:app`).

Granian (a Rust HTTP server for Python) is the default because its per-request cost is what small
queries pay: measured on this project's endpoint it answers in about two thirds of the time
gunicorn's threaded worker takes (`make bench` compares the service with Oxigraph server).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from granian import Granian
from granian.constants import Interfaces

from . import executor, versioned_index
from .app import create_app
from .config import Settings
from .store import Store

# Granian's own messages go to standard error: standard output carries only the JSON access log.
_LOG_TO_STDERR = {"handlers": {
    name: {"formatter": formatter, "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    for name, formatter in (("console", "generic"), ("access", "access"))
}}
GRACEFUL_TIMEOUT_S = 5


def run_server(settings: Settings, store: Store | None, *, host: str, port: int, workers: int, threads: int,
               validation: dict | None = None) -> None:
    """Serve an in-memory `store` (shared copy-on-write by the forked worker processes), or the
    on-disk store at settings.store_path.

    An on-disk store is opened inside each worker, never before the fork: RocksDB's background
    threads do not survive fork(), and a write through an inherited handle hangs. The caller must have
    released its own handle (RocksDB locks the directory). Several workers open it read-only.
    """
    if settings.store_path is not None:
        path, read_only = settings.store_path, workers > 1
        factory: Callable[[], Flask] = lambda: create_app(settings, Store(path, read_only=read_only), validation)
    else:
        app = create_app(settings, store, validation)
        factory = lambda: app
    server = Granian("oversight.wsgi:app", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                     blocking_threads=threads, log_access=False,  # observability.py writes the access log
                     log_dictconfig=_LOG_TO_STDERR, workers_kill_timeout=GRACEFUL_TIMEOUT_S)
    server.serve(target_loader=lambda: _serving(factory()), wrap_loader=False)  # in each worker, after the fork


def _serving(app: Flask) -> Flask:
    # In the process that serves requests (threads do not survive fork()): first the query processes,
    # forked while no thread reads the store (executor._Pool.prestart), then the indexes, built in the
    # background.
    store = app.extensions["oversight.store"]
    if isinstance(store, Store):
        executor.executor_for(store).pool().prestart()
    versioned_index.start_all(store)
    return app


def __getattr__(name: str):
    # `gunicorn oversight.wsgi:app` builds the app on first access, from the environment's settings.
    if name == "app":
        import os

        from .loader import open_store
        from .validation import gate

        settings = Settings()
        store = open_store(settings)
        # Refuses (InvalidData) data with violations unless OVERSIGHT_ALLOW_INVALID is set.
        _report, status = gate(store, bool(os.environ.get("OVERSIGHT_ALLOW_INVALID")), shapes_dir=settings.shapes_dir)
        return _serving(create_app(settings, store, validation=status))
    raise AttributeError(name)
