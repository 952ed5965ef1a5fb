"""`specfirst serve CONTRACT --mock` for real: uvicorn on 127.0.0.1 and a free port, one request
over HTTP, then Ctrl-C; the temporary package it generated is removed on the way out."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

USERS = Path(__file__).parents[2] / "specs" / "users.yaml"
TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_mock_answers_over_http(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path)}
    command = [
        sys.executable,
        "-m",
        "generator",
        "serve",
        str(USERS),
        "--mock",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    url = f"http://127.0.0.1:{port}/api/v1/health/live"
    response: httpx.Response | None = None
    try:
        deadline = time.monotonic() + TIMEOUT
        while response is None and time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(url, timeout=5.0)
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=TIMEOUT)
    assert response is not None, output
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}  # the contract's own example
    assert process.returncode == 0, output
    assert "serving specfirst Users (users; mock answers" in output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("specfirst-serve-")]
