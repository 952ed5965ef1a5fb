"""Fixtures: the hooks contract generated once, and uvicorn servers on 127.0.0.1 in threads."""

from __future__ import annotations

import asyncio
import importlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from generator.pipeline import generate_contract

CONTRACT = Path(__file__).parents[1] / "data" / "contracts" / "hooks.yaml"


@pytest.fixture(scope="session")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package generated from tests/data/contracts/hooks.yaml, imported."""
    root = tmp_path_factory.mktemp("hooks")
    result = generate_contract(CONTRACT, root / "hooks_pkg", label=CONTRACT.name)
    assert result.report is not None, result.checked.diagnostics
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("hooks_pkg")
    finally:
        sys.path.remove(str(root))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
