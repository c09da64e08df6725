"""Try a change on a throwaway snapshot of the store, never on the store itself (the SHACL gate of
writes, `POST /shacl`, `oversight add`).

A full copy of the data costs seconds and a second copy of the memory at 1M triples, whatever the
size of the change. Instead, per kind of store:

* in memory: fork. The child process holds a copy-on-write image of the store (taken under the
  store's lock, so no write is half-done in it), applies the change there, validates, sends the
  result back through a pipe and exits. Only the pages the change touches are copied, so the cost
  follows the change. The executor's query processes are forked the same way (executor.py).
* on disk (RocksDB, whose handles do not survive a fork): a RocksDB checkpoint (`Store.backup`) in
  a temporary directory next to the store, made of hard links to its immutable files, opened as a
  store of its own and deleted afterwards.
* remote SPARQL backend, or when the above fails: a full in-memory copy (the old way; slow, but
  always right).

The fork has one known hazard: if another thread held a lock inside pyoxigraph at the moment of the
fork, a write in the child could wait for it forever. So the child says when the change is applied,
and if that does not happen within CHANGE_TIMEOUT_S (or the child dies) it is killed and the copy is
used instead: slower, with the same answer. OVERSIGHT_SCRATCH=copy forces the copy (and tests it).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import TypeVar

from .forked import close_inherited_sockets, kill_and_reap
from .store import Store

T = TypeVar("T")

# How long the child may take to apply the change before it is deemed stuck (see the docstring).
CHANGE_TIMEOUT_S = float(os.environ.get("OVERSIGHT_SCRATCH_TIMEOUT", "10"))
# Forked snapshots at once per process: POST /shacl is public, and each child validates on a CPU.
_children = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class SnapshotFailed(Exception):
    """The forked snapshot hung or died; the caller falls back to a copy."""


def on_snapshot(store, change: Callable[[Store], None], inspect: Callable[[Store], T], *,
                how: str | None = None) -> T:
    """`inspect(snapshot)` after `change(snapshot)`, on a snapshot of `store` that is then thrown away.

    Exceptions from `change` or `inspect` (SyntaxError of a malformed update, OSError of a failed
    LOAD, ...) reach the caller as if they had run here; the store is unchanged in every case.
    `how`: "auto" (the default, or OVERSIGHT_SCRATCH) or "copy" (the full copy, for benchmarks)."""
    how = how or os.environ.get("OVERSIGHT_SCRATCH", "auto")
    if isinstance(store, Store) and how != "copy":
        try:
            if store.path is None:
                with _children:
                    return _in_fork(store, change, inspect)
            return _in_checkpoint(store, change, inspect)
        except SnapshotFailed as err:
            # The logger is looked up now: one made at import would be disabled by the server's logging set-up.
            logging.getLogger(__name__).warning("snapshot failed (%s); trying the change on a full copy instead", err)
    scratch = full_copy(store)
    change(scratch)
    return inspect(scratch)


def full_copy(store) -> Store:
    """An in-memory copy of the data: Store copies under its own lock; a remote store is read whole."""
    if isinstance(store, Store):
        return store.copy_in_memory()
    scratch = Store()
    scratch.oxigraph.extend(store.quads())
    return scratch


# -- on disk: a RocksDB checkpoint --------------------------------------------------------------
def _in_checkpoint(store: Store, change: Callable[[Store], None], inspect: Callable[[Store], T]) -> T:
    assert store.path is not None
    try:
        # Next to the store: the same file system, so the checkpoint is hard links, not a copy.
        holder = tempfile.mkdtemp(prefix=".oversight-scratch-", dir=store.path.parent)
    except OSError as err:
        raise SnapshotFailed(f"cannot make a directory next to the store: {err}") from None
    try:
        target = os.path.join(holder, "store")
        try:
            scratch = store.checkpoint(Path(target))
        except Exception as err:  # noqa: BLE001 - e.g. a full disk, or a file system without hard links
            raise SnapshotFailed(f"no checkpoint of the store: {err}") from None
        try:
            change(scratch)
            return inspect(scratch)
        finally:
            del scratch  # closes the RocksDB instance before its files go
    finally:
        shutil.rmtree(holder, ignore_errors=True)


# -- in memory: a forked child --------------------------------------------------------------------
def _in_fork(store: Store, change: Callable[[Store], None], inspect: Callable[[Store], T]) -> T:
    ours, theirs = Pipe()
    with store._lock:  # no write half-done in the child's image
        pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            ours.close()
            gc.disable()  # a collection would touch (and so copy) every page of the parent's objects
            store._lock = threading.Lock()  # the copy of the parent's is held (we forked under it)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            close_inherited_sockets(keep=theirs.fileno())
            _child(theirs, store, change, inspect)
        finally:
            os._exit(0)
    theirs.close()
    try:
        return _answer(ours, pid)
    finally:
        ours.close()
        kill_and_reap(pid)


def _child(conn: Connection, store: Store, change: Callable[[Store], None], inspect: Callable[[Store], T]) -> None:
    try:
        change(store)
        conn.send(("changed",))
        conn.send(("ok", inspect(store)))
    except Exception as err:  # noqa: BLE001 - re-raised in the parent
        try:
            conn.send(("error", err, getattr(err, "lineno", None), getattr(err, "offset", None)))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled goes as text
            conn.send(("error", RuntimeError(f"{type(err).__name__}: {err}"), None, None))


def _answer(conn: Connection, pid: int):
    try:
        if not conn.poll(CHANGE_TIMEOUT_S):
            raise SnapshotFailed(f"the change did not finish within {CHANGE_TIMEOUT_S:g} s in the forked snapshot")
        message = conn.recv()
        if message[0] == "changed":
            message = conn.recv()  # validation: reads only, which cannot be stuck on a lock
    except (EOFError, OSError):
        raise SnapshotFailed("the forked snapshot died") from None
    if message[0] == "ok":
        return message[1]
    err, lineno, offset = message[1:]
    if isinstance(err, SyntaxError):
        err.lineno, err.offset = lineno, offset
    raise err
