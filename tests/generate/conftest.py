"""Fixtures: generate a contract into a temporary folder and import the package from there."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from generator.pipeline import generate_contract

CONTRACTS = Path(__file__).parents[1] / "data" / "contracts"


@pytest.fixture(scope="session")
def generate_package(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Path, str], ModuleType]]:
    """Generate `contract` as package `name` in a temp folder on sys.path and import it."""
    root = tmp_path_factory.mktemp("packages")
    sys.path.insert(0, str(root))
    made: dict[str, ModuleType] = {}

    def make(contract: Path, name: str) -> ModuleType:
        if name not in made:
            result = generate_contract(contract, root / name, label=contract.name)
            errors = [d for d in result.checked.diagnostics if d.is_error]
            assert result.report is not None, errors
            made[name] = importlib.import_module(name)
        return made[name]

    yield make
    sys.path.remove(str(root))


@pytest.fixture(scope="session")
def tasks(generate_package: Callable[[Path, str], ModuleType]) -> ModuleType:
    """The package generated from tests/data/contracts/tasks.yaml."""
    return generate_package(CONTRACTS / "tasks.yaml", "tasks_pkg")
