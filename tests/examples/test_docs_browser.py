"""/docs works offline: headless Chromium renders Swagger UI from the installed assets.

Skipped when no Chromium is installed (scripts/bootstrap installs Debian's when it can).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=15000",
]


@pytest.fixture(scope="module")
def docs_url() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "generated.users:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/openapi.json", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base + "/docs"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_swagger_ui_renders_the_contracts_operations(docs_url: str, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    common = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*common, "--dump-dom", docs_url], capture_output=True, text=True, timeout=120, check=False
    )
    assert "swagger-ui" in dom.stdout
    for text in ("/users/me", "/auth/token", "Register a new account"):
        assert text in dom.stdout, text
    shot = tmp_path / "docs.png"
    subprocess.run(
        [*common, "--window-size=1280,1400", f"--screenshot={shot}", docs_url],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000
