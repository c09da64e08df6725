"""Values derived from the store's data (indexes, materialised views), one per data version, never
served for data they were not built from. Two kinds:

* `PerVersion(build)`: built on the first use for a version, the caller waiting; for values that
  take milliseconds (state_index.py, the home page's counts).
* `VersionedIndex(name, build)`: built in the background, the caller answering the slow way
  meanwhile; for values that take seconds (statements_index.py). Usage:

    STATEMENTS = VersionedIndex("statements", build)   # build(store) -> the value; may take seconds
    STATEMENTS.start(store)                             # at startup: begin building, return at once
    index = STATEMENTS.get(store)                       # the value for store.version, or None
    if index is None: ...answer with the slow, always-right path (SPARQL)...

`get` never blocks on a build and never returns a value built for an older data version: after a
write (store.version moves on) it returns None, and starts a rebuild in a background thread if none
is running, until the rebuild for the current version is ready. One build at a time per store; a
build that finishes after the data has moved on again is dropped and the builder goes round again
until it has caught up. The old value is released as soon as a rebuild starts. A build that raises is logged and retried on the next write
(not on every request: a build that fails fails again for the same data).

Works with any object that has a `version` attribute (Store, RemoteStore). Safe across fork():
a child (server worker, executor query process) drops the parent's half-finished build and its
lock state, and builds only when asked (`get`, `start`, or `start_all` when a worker starts).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("oversight.index")

_all: "weakref.WeakSet[VersionedIndex]" = weakref.WeakSet()


@dataclass
class _State(Generic[T]):
    lock: threading.Lock
    ready: tuple[str, T] | None = None  # (the version it was built from, the value)
    thread: threading.Thread | None = None
    failed_version: str | None = None


class VersionedIndex(Generic[T]):
    """`build(store)` run in a background thread per data version; see the module docstring."""

    def __init__(self, name: str, build: Callable[[Any], T]):
        self.name, self._build = name, build
        self._states: "weakref.WeakKeyDictionary[Any, _State[T]]" = weakref.WeakKeyDictionary()
        self._states_lock = threading.Lock()
        self.builds = 0  # finished builds in this process (for tests and metrics)
        _all.add(self)

    def get(self, store: Any) -> T | None:
        """The value for the store's current data version, or None while it is being (re)built."""
        state = self._state(store)
        ready = state.ready
        if ready is not None and ready[0] == store.version:
            return ready[1]
        self._ensure_building(store, state)
        return None

    def start(self, store: Any) -> None:
        """Begin building for the current data version (if not built or building); returns at once."""
        state = self._state(store)
        ready = state.ready
        if ready is None or ready[0] != store.version:
            self._ensure_building(store, state)

    def wait(self, store: Any, timeout: float | None = None) -> T | None:
        """The value for the current version, building it if needed and waiting up to `timeout`
        seconds (None: no limit). For the CLI, tests and benchmarks, not the request path."""
        state = self._state(store)
        while True:
            value = self.get(store)
            thread = state.thread
            if value is not None or thread is None:  # ready, or its build failed
                return value
            thread.join(timeout)
            if thread.is_alive():
                return None

    def building(self, store: Any) -> bool:
        thread = self._state(store).thread
        return thread is not None and thread.is_alive()

    # -- internals ---------------------------------------------------------------------------
    def _state(self, store: Any) -> _State[T]:
        state = self._states.get(store)
        if state is None:
            with self._states_lock:
                state = self._states.get(store)
                if state is None:
                    state = self._states[store] = _State(threading.Lock())
        return state

    def _ensure_building(self, store: Any, state: _State[T]) -> None:
        with state.lock:
            if state.thread is not None and state.thread.is_alive():
                return
            if state.failed_version == store.version:
                return  # it failed for this data; the next write tries again
            if state.ready is not None and state.ready[0] != store.version:
                state.ready = None  # versions never come back: free its memory before building anew
            ref = weakref.ref(store)  # the thread must not keep a discarded store alive
            state.thread = threading.Thread(target=self._run, args=(ref, state), daemon=True,
                                            name=f"oversight-index-{self.name}")
            state.thread.start()

    def _run(self, ref: "weakref.ref[Any]", state: _State[T]) -> None:
        while True:
            store = ref()
            if store is None:
                return
            version = store.version  # read before the data: a write during the build makes it stale, never wrong
            try:
                value = self._build(store)
            except Exception:  # noqa: BLE001 - a failed build must not take a worker down; requests use the slow path
                log.exception("building the %s index failed (version %s); answering without it", self.name, version)
                with state.lock:
                    state.failed_version = version
                    state.thread = None
                return
            with state.lock:
                self.builds += 1
                state.failed_version = None
                if store.version == version:
                    state.ready, state.thread = (version, value), None
                    return
            del store, value  # the data moved on during the build: drop it, build for the new version


def start_all(store: Any) -> None:
    """Begin building every index defined so far for `store` (a serving process calls this once it
    has its store: a server worker, after the fork, so the build runs where requests are served)."""
    for index in list(_all):
        index.start(store)


def _after_fork_in_child() -> None:
    # The building thread does not exist in the child and its lock may be held: start afresh,
    # keeping any finished value (it is the same data, shared copy-on-write).
    for index in list(_all):
        index._states_lock = threading.Lock()
        for state in list(index._states.values()):
            state.lock = threading.Lock()
            state.thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

class PerVersion(Generic[T]):
    """`per_version(store)`: build(store) for the store's current `.version`, cached until it moves on."""

    def __init__(self, build: Callable[[Any], T]):
        self._build = build
        self._values: "weakref.WeakKeyDictionary[Any, tuple[str, T]]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, store: Any) -> T:
        held = self._values.get(store)
        if held is not None and held[0] == store.version:
            return held[1]
        with self._lock:  # one build at a time; others wait for it rather than build their own
            version = store.version  # read before building: a write during the build forces another
            held = self._values.get(store)
            if held is None or held[0] != version:
                held = self._values[store] = (version, self._build(store))
            return held[1]


__all__ = ["PerVersion", "VersionedIndex", "start_all"]
