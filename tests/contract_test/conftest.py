"""Fixtures: the notes contract generated into a temp folder, and a way to run `specfirst test`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate_contract

DATA = Path(__file__).parents[1] / "data" / "contract_test"
CONTRACT = DATA / "notes.yaml"
CLINIC = DATA / "clinic.yaml"
VET = DATA / "vet.yaml"  # the held-out 14-operation clinic
FAST = ("--max-examples", "15", "--seed", "7")


@dataclass(frozen=True)
class Outcome:
    """What one `specfirst test` run left behind."""

    exit_code: int
    output: str
    summary: dict[str, Any]
    junit: Path


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the packages generated from notes.yaml, clinic.yaml and vet.yaml."""
    root = tmp_path_factory.mktemp("contract_test")
    for contract in (CONTRACT, CLINIC, VET):
        result = generate_contract(contract, root / contract.stem, label=contract.name)
        assert result.report is not None, result.checked.diagnostics
    return root


@pytest.fixture
def pythonpath(packages: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """PYTHONPATH for services started by the runner: the generated package and the implementations."""
    value = os.pathsep.join([str(packages), str(DATA)])
    monkeypatch.setenv("PYTHONPATH", value)
    return value


@pytest.fixture
def run_cli(pythonpath: str, tmp_path: Path) -> Callable[..., Outcome]:
    """Invoke `specfirst test` in-process; the JSON and JUnit reports go to `tmp_path`."""

    def run(*args: str) -> Outcome:
        summary_path, junit = tmp_path / "summary.json", tmp_path / "junit.xml"
        argv = ["test", *args, "--json", str(summary_path), "--junit", str(junit)]
        result = CliRunner().invoke(app, argv, catch_exceptions=False)
        summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
        return Outcome(result.exit_code, result.output, summary, junit)

    return run
