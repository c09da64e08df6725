"""Serving under gunicorn, and a module-level `app` for `gunicorn oversight.wsgi:app`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from . import versioned_index
from .app import create_app
from .config import Settings
from .store import Store


class _Gunicorn(BaseApplication):
    def __init__(self, factory: Callable[[], Flask], options: dict):
        self.factory, self.options = factory, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        app = self.factory()  # called in each worker process (no preloading)
        # Indexes are built in the background where requests are served, not in the master.
        versioned_index.start_all(app.extensions["oversight.store"])
        return app


def run_gunicorn(settings: Settings, store: Store | None, *, host: str, port: int, workers: int, threads: int,
                 validation: dict | None = None) -> None:
    """Serve an in-memory `store` (shared by forked workers), or the on-disk store at settings.store_path.

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
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": None,  # observability.py writes the access log (JSON lines on standard error)
        "graceful_timeout": 5,
    }
    _Gunicorn(factory, options).run()


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
        return create_app(settings, store, validation=status)
    raise AttributeError(name)
