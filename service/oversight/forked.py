"""What a process forked from a serving worker needs, for the query processes (executor.py) and
the write snapshots (scratch.py) alike: let go of the worker's connections, and be reaped."""

from __future__ import annotations

import os
import signal
import stat


def close_inherited_sockets(keep: int) -> None:
    """In the child: close the worker's sockets and pipes (clients' connections, the listening socket,
    other children's pipes) but `keep`, so that none stays open because a child holds a copy: a client
    reading to EOF would wait, and a child would not see its worker go. Files stay open (an on-disk
    store reads through them)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode) or stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def kill_and_reap(pid: int) -> None:
    """In the parent: stop the child `pid` now (a no-op if it already exited) and collect it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
