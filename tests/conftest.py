"""Shared fixtures: a real service process on 127.0.0.1, started and stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
    log_path: Path  # the server's standard error (access log, errors): a file, so it never blocks the server

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(*args: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> Server:
    """Run `oversight serve ARGS` on a free loopback port and wait until it answers /healthz."""
    port = free_port()
    cmd = [sys.executable, "-m", "oversight", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    # A pipe nobody reads would fill up with the access log and stall the server: log to a file.
    log_path = Path(tempfile.mkstemp(prefix=f"oversight-{port}-", suffix=".log")[1])
    with log_path.open("wb") as log:
        process = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log_path.read_text(errors='replace')}")
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return Server(url, process, log_path)
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or still booting
            time.sleep(0.1)
    Server(url, process, log_path).stop()
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
