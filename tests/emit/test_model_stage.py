"""The model stage gives the plain sequential path's bytes, in a worker or not, on any machine."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import generator.emit.models as model_package
from generator.emit.models import emit_models, forking, parts, stage
from generator.emit.package import header_line
from generator.format import format_files
from generator.ir.schemas import plan_models
from generator.pipeline import contract_label, generate_contract
from generator.spec.load import load_spec

ROOT = Path(__file__).parents[2]
BROKEN = ROOT / "tests" / "data" / "broken"


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[stage.ModelStage]:
    """Every contract counts as large; the stages that started a worker are recorded."""
    started: list[stage.ModelStage] = []
    real = stage.start_models

    def start(*args: object, **kwargs: str) -> stage.ModelStage:
        models = real(*args, **kwargs)  # type: ignore[arg-type]
        if models.worker is not None:
            started.append(models)
        return models

    monkeypatch.setattr(stage, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(model_package, "start_models", start)
    return started


def _worker_ended(models: stage.ModelStage, workers: list[forking.Forked]) -> bool:
    return models.worker is None and all(not w.process.is_alive() for w in workers)


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[forking.Forked]:
    """Every process the model stage forks, recorded."""
    forks: list[forking.Forked] = []
    real = forking.start

    def start(*args: object, **kwargs: str) -> forking.Forked | None:
        forked = real(*args, **kwargs)  # type: ignore[arg-type]
        if forked is not None:
            forks.append(forked)
        return forked

    monkeypatch.setattr(forking, "start", start)
    return forks


@pytest.mark.parametrize("name", ["users", "showcase"])
def test_worker_output_is_the_committed_output(
    name: str, forced: list[stage.ModelStage], workers: list[forking.Forked]
) -> None:
    spec = ROOT / "specs" / f"{name}.yaml"
    result = generate_contract(
        spec, ROOT / "generated" / name, label=contract_label(spec, ROOT), check=True
    )
    assert len(forced) == 1 and workers and _worker_ended(forced[0], workers)
    assert result.report is not None and not result.report.changed


def test_the_same_bytes_as_the_plain_sequential_path_on_any_machine(
    monkeypatch: pytest.MonkeyPatch, workers: list[forking.Forked]
) -> None:
    """A split plan, in a worker and its fork, or with no fork at all: the plain path's text."""
    loaded = load_spec(ROOT / "specs" / "showcase.yaml")
    assert loaded.spec is not None
    label = "specs/showcase.yaml"
    plan = plan_models(loaded.spec.root)
    monkeypatch.setattr(parts, "SPLIT_THRESHOLD", 4)  # two parts, the second one forked
    plain = format_files({"models.py": emit_models(plan, header=header_line(label))})
    monkeypatch.setattr(stage, "PARALLEL_THRESHOLD", 0)
    with stage.start_models(loaded.spec, label=label) as models:
        assert models.worker is not None
        forked = models.models_py(plan)
    monkeypatch.setattr(forking, "can_fork", lambda: False)  # one core, or no `fork`
    with stage.start_models(loaded.spec, label=label) as models:
        assert models.worker is None
        alone = models.models_py(plan)
    assert forked == alone == plain["models.py"]
    assert len(workers) == 1  # the stage's worker; its own fork is its child's business


def test_a_contract_with_errors_stops_the_worker(
    tmp_path: Path, forced: list[stage.ModelStage], workers: list[forking.Forked]
) -> None:
    spec = BROKEN / "path-param-undeclared.yaml"
    result = generate_contract(spec, tmp_path / "out", label="c.yaml")
    assert [d.rule for d in result.checked.diagnostics if d.is_error]
    assert not (tmp_path / "out").exists()
    assert len(forced) == 1 and _worker_ended(forced[0], workers)


def test_model_errors_from_the_worker_read_as_sequential_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ROOT / "specs" / "users.yaml"

    def explode(*args: object, **kwargs: object) -> str:
        raise ValueError("cannot handle 'User'\nlong traceback text")

    monkeypatch.setattr("datamodel_code_generator.generate", explode)
    sequential = generate_contract(spec, tmp_path / "a", label="users.yaml")
    monkeypatch.setattr(stage, "PARALLEL_THRESHOLD", 0)
    parallel = generate_contract(spec, tmp_path / "b", label="users.yaml")
    messages = [
        [(d.rule, d.message) for d in r.checked.diagnostics] for r in (sequential, parallel)
    ]
    assert messages[0] == messages[1]
    assert any(rule == "model-generation" and "'User'" in text for rule, text in messages[1])


def test_a_worker_that_dies_leaves_the_stage_to_the_parent(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forced: list[stage.ModelStage],
    workers: list[forking.Forked],
) -> None:
    def die(*args: object) -> None:
        os._exit(3)  # as if killed: nothing is sent

    monkeypatch.setattr(stage, "_work", die)
    spec = ROOT / "specs" / "users.yaml"
    result = generate_contract(spec, tmp_path / "out", label="specs/users.yaml")
    expected = (ROOT / "generated" / "users" / "models.py").read_text(encoding="utf-8")
    assert result.files["models.py"] == expected
    assert len(forced) == 1 and workers[0].process.exitcode == 3


def test_small_contracts_stay_in_one_process() -> None:
    loaded = load_spec(ROOT / "specs" / "users.yaml")
    assert loaded.spec is not None
    assert stage.size(loaded.spec.root) < stage.PARALLEL_THRESHOLD
    assert stage.start_models(loaded.spec, label="u").worker is None


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody has reaped yet."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _sleeper(pids: Path) -> None:
    pids.open("a").write(f"{os.getpid()}\n")
    time.sleep(120)


def _forks_a_sleeper(pids: Path) -> None:
    inner = forking.start(_sleeper, pids)
    assert inner is not None
    _sleeper(pids)


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
def test_cancel_stops_the_child_and_what_it_forked(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    outer = forking.start(_forks_a_sleeper, pids)
    assert outer is not None
    for _ in range(200):  # until both have written their pid
        if pids.is_file() and len(pids.read_text().split()) == 2:
            break
        time.sleep(0.05)
    started = [int(p) for p in pids.read_text().split()]
    assert len(started) == 2 and all(_alive(p) for p in started)
    outer.cancel()
    for _ in range(100):
        if not any(_alive(p) for p in started):
            break
        time.sleep(0.05)
    assert not any(_alive(p) for p in started)


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
def test_children_yield_to_the_parent_and_grandchildren_match_them() -> None:
    child = forking.start(_priority)
    nested = forking.start(_forks_and_reports_priorities)
    assert child is not None and nested is not None
    expected = min(19, _priority() + forking.CHILD_NICENESS)
    assert child.result() == (True, expected)
    assert nested.result() == (True, (expected, expected))


def _forks_and_reports_priorities() -> tuple[int, int]:
    inner = forking.start(_priority)
    assert inner is not None
    ok, value = inner.result()
    assert ok
    return _priority(), int(value)
