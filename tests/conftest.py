"""Shared fixtures: a real service process on 127.0.0.1, started and stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OVERSIGHT_SHARED_DIR", REPO.parent / "shared"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    stderr: IO[bytes] | None = None  # the server's log (a file: a pipe nobody reads fills up and blocks it)

    def log(self) -> str:
        """Everything the server wrote to standard error so far."""
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(*args: str, env: dict[str, str] | None = None, timeout: float = 60.0,
                 access_log: Path | None = None) -> Server:
    """Run `oversight serve ARGS` on a free loopback port and wait until it answers /healthz.

    The access log (standard output) goes to `access_log`, or nowhere."""
    return start_process(lambda port: [sys.executable, "-m", "oversight", "serve", "--host", "127.0.0.1",
                                       "--port", str(port), *args], env=env, timeout=timeout, access_log=access_log)


def start_process(command: Callable[[int], list[str]], env: dict[str, str] | None = None, timeout: float = 60.0,
                  access_log: Path | None = None) -> Server:
    """Run `command(port)` (a server listening on 127.0.0.1:port) and wait until it answers /healthz."""
    port = free_port()
    stdout = access_log.open("wb") if access_log is not None else subprocess.DEVNULL
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command(port), env={**os.environ, **(env or {})}, stdout=stdout, stderr=log)
    url = f"http://127.0.0.1:{port}"
    server = Server(url, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {server.log()}")
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return server
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or still booting
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("server did not start in time")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The service on the seed graph, shared by every test that only reads."""
    srv = start_server()
    yield srv
    srv.stop()


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the `oversight` CLI in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "oversight", *args], input=input, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


FIXTURE_DATA = REPO / "tests" / "fixtures" / "graph_data"


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[Server]:
    """The service on the small invented fixture dataset (tests/fixtures/graph_data, not real data)."""
    srv = start_server(env={"OVERSIGHT_DATA_DIR": str(FIXTURE_DATA)})
    yield srv
    srv.stop()
