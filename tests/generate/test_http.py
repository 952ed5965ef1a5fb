"""End to end over real HTTP: the generated package under uvicorn on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tasks: ModuleType) -> Iterator[str]:
    port = free_port()
    package_root = Path(tasks.__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(package_root), "TASKS_PKG_JWT_SECRET": "k" * 40}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tasks_pkg:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/openapi.json", timeout=0.5)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"service exited: {output[-2000:]}")
                time.sleep(0.05)
        else:
            pytest.fail("service did not come up")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_over_http(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        assert client.get("/v1/tasks").status_code == 501
        assert client.get("/v1/tasks?limit=1000").status_code == 400
        assert client.post("/v1/tasks", json={"title": "a"}).status_code == 401
        assert client.get("/v1/health").status_code == 501
        contract = client.get("/openapi.json").json()
        assert contract["info"]["title"] == "Tasks"
