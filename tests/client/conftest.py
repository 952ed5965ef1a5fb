"""Fixtures: the client package generated from tests/data/contracts/client.yaml, and a stub server."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from generator.pipeline import generate_contract

from .stub import Stub, serve_stub

CONTRACT = Path(__file__).parents[1] / "data" / "contracts" / "client.yaml"


def generate_client(contract: Path, root: Path, name: str) -> ModuleType:
    """Generate `contract` with its client into `root` and import `<name>_client`."""
    result = generate_contract(contract, root / name, label=contract.name, client=True)
    assert result.client_report is not None, result.checked.diagnostics
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(f"{name}_client")


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
