"""Fixtures: the client package generated from tests/data/contracts/client.yaml, and a stub server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from .packages import generate_client
from .stub import Stub, serve_stub

CONTRACT = Path(__file__).parents[1] / "data" / "contracts" / "client.yaml"


@pytest.fixture(scope="session")
def things(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client package of the fixture contract."""
    root = tmp_path_factory.mktemp("clients")
    yield generate_client(CONTRACT, root, "things")
    sys.path.remove(str(root))


@pytest.fixture
def stub() -> Iterator[Stub]:
    """A scripted server on 127.0.0.1 for one test."""
    with serve_stub() as running:
        yield running
