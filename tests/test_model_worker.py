"""The model stage in a second process gives what the sequential pipeline gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import model_worker
from generator.pipeline import contract_label, generate_contract

ROOT = Path(__file__).parents[1]
BROKEN = ROOT / "tests" / "data" / "broken"


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[model_worker.ModelWorker]:
    """Every contract counts as large; the workers started are recorded."""
    started: list[model_worker.ModelWorker] = []
    real = model_worker.start_models

    def start(*args: object, **kwargs: str) -> model_worker.ModelWorker | None:
        worker = real(*args, **kwargs)  # type: ignore[arg-type]
        if worker is not None:
            started.append(worker)
        return worker

    monkeypatch.setattr(model_worker, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(model_worker, "start_models", start)
    return started


@pytest.mark.parametrize("name", ["users", "showcase"])
def test_worker_output_is_the_committed_output(
    name: str, forced: list[model_worker.ModelWorker]
) -> None:
    spec = ROOT / "specs" / f"{name}.yaml"
    result = generate_contract(
        spec, ROOT / "generated" / name, label=contract_label(spec, ROOT), check=True
    )
    assert len(forced) == 1 and not forced[0].process.is_alive()
    assert result.report is not None and not result.report.changed


def test_a_contract_with_errors_stops_the_worker(
    tmp_path: Path, forced: list[model_worker.ModelWorker]
) -> None:
    spec = BROKEN / "duplicate-operation-id.yaml"
    result = generate_contract(spec, tmp_path / "out", label="c.yaml")
    assert [d.rule for d in result.checked.diagnostics if d.is_error]
    assert not (tmp_path / "out").exists()
    assert len(forced) == 1 and not forced[0].process.is_alive()


def test_model_errors_from_the_worker_read_as_sequential_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ROOT / "specs" / "users.yaml"

    def explode(*args: object, **kwargs: object) -> str:
        raise ValueError("cannot handle 'User'\nlong traceback text")

    monkeypatch.setattr("generator.emit.models.generate", explode)
    sequential = generate_contract(spec, tmp_path / "a", label="users.yaml")
    monkeypatch.setattr(model_worker, "PARALLEL_THRESHOLD", 0)
    parallel = generate_contract(spec, tmp_path / "b", label="users.yaml")
    messages = [
        [(d.rule, d.message) for d in r.checked.diagnostics] for r in (sequential, parallel)
    ]
    assert messages[0] == messages[1]
    assert any(rule == "model-generation" and "'User'" in text for rule, text in messages[1])


def test_a_worker_that_dies_leaves_the_stage_to_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forced: list[model_worker.ModelWorker]
) -> None:
    def die(*args: object) -> None:
        os._exit(3)  # as if killed: nothing is sent

    monkeypatch.setattr(model_worker, "_work", die)
    spec = ROOT / "specs" / "users.yaml"
    result = generate_contract(spec, tmp_path / "out", label="specs/users.yaml")
    expected = (ROOT / "generated" / "users" / "models.py").read_text(encoding="utf-8")
    assert result.files["models.py"] == expected
    assert forced[0].process.exitcode == 3


def test_small_contracts_stay_in_one_process(tmp_path: Path) -> None:
    spec = ROOT / "specs" / "users.yaml"
    from generator.spec.load import load_spec

    loaded = load_spec(spec)
    assert loaded.spec is not None
    assert model_worker.size(loaded.spec.root) < model_worker.PARALLEL_THRESHOLD
    assert model_worker.start_models(loaded.spec, label="u", package="u") is None
