"""Serving under gunicorn, and a module-level `app` for `gunicorn oversight.wsgi:app`."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .app import create_app
from .config import Settings
from .store import Store


class _Gunicorn(BaseApplication):
    def __init__(self, application, options: dict):
        self.application, self.options = application, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def run_gunicorn(settings: Settings, store: Store, *, host: str, port: int, workers: int, threads: int,
                 validation: dict | None = None) -> None:
    app = create_app(settings, store, validation=validation)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "graceful_timeout": 5,
    }
    _Gunicorn(app, options).run()


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
