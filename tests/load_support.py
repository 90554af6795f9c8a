"""Serving the example project for tests/test_load.py: a database, a server, a client.

The project runs as ``tests.load_project`` (the example project plus a
per-request marker, see ``tests/load_project/middleware.py``) under gunicorn's
threaded worker or uvicorn, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"


def environment(tmp: Path) -> dict[str, str]:
    """The served project's environment: its settings, database and log file."""
    env = {
        k: v
        for k, v in os.environ.items()
        # (the served process is not measured: coverage would hold its objects)
        if not k.startswith(("DJANGO_", "PYTEST_", "COVERAGE_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), str(EXAMPLE)]),
        DJANGO_SETTINGS_MODULE="tests.load_project.settings",
        EXAMPLE_DB=str(tmp / "db.sqlite3"),
        ORMWATCH_LOAD_DB_NAME=f"ormwatch_load_{os.getpid()}",
        ORMWATCH_LOAD_LOG=str(tmp / "log.jsonl"),
    )
    return env


@contextmanager
def database(env: dict[str, str]) -> Iterator[None]:
    """The example data in a new database, dropped afterwards (a SQLite file is left in tmp)."""
    command = [sys.executable, "-m", "tests.load_project.database"]
    subprocess.run([*command, "create"], env=env, cwd=ROOT, check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run([*command, "drop"], env=env, cwd=ROOT, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def command(name: str, port: int) -> list[str]:
    """The server's command line (after ``python``)."""
    if name == "gunicorn":
        # One process, eight threads: concurrent requests share the recorder.
        # No control socket: it is one fixed path per user, shared between runs.
        return [
            *("-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
            *("--worker-class", "gthread", "--threads", "8", "--no-control-socket"),
            *("--log-level", "warning", "tests.load_project.wsgi:application"),
        ]
    # One event loop; sync code runs in asgiref's threads, async views on the loop.
    return [
        *("-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"),
        *("--log-level", "warning", "tests.load_project.asgi:application"),
    ]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    stderr: Path

    def worker_pid(self) -> int:
        """The process serving requests: gunicorn's one worker, or uvicorn itself."""
        if self.name == "uvicorn":
            return self.process.pid
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        (child,) = path.read_text().split()
        return int(child)

    def rss_kib(self) -> int:
        """The worker's resident memory (VmRSS) in KiB."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


@contextmanager
def serve(name: str, env: dict[str, str], tmp: Path) -> Iterator[Server]:
    port = free_port()
    stderr = tmp / f"{name}.stderr"
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, *command(name, port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    server = Server(name, port, process, stderr)
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {stderr.read_text()}")
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"{name} did not start in 30 s: {stderr.read_text()}")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Response:
    page: str
    marker: str
    status: int
    body: str
    params: list[str]
    queries: int | None


def get(port: int, page: str) -> Response:
    """``page`` (``"n-plus-one-fk/bad/"``) requested under a new marker, on a new connection."""
    marker = uuid.uuid4().hex
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", f"/m/{marker}/{page}")
        response = connection.getresponse()
        body = response.read().decode()
        params: list[str] = json.loads(response.getheader("X-Load-Params") or "null") or []
        queries = response.getheader("X-Load-Queries")
        return Response(
            page, marker, response.status, body, params, int(queries) if queries else None
        )
    finally:
        connection.close()


def live_objects(port: int) -> dict[str, Any]:
    """The server's live Python objects after a collection (tests/load_project/views.py)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/load/objects/")
        data: dict[str, Any] = json.loads(connection.getresponse().read())
        return data
    finally:
        connection.close()


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]
