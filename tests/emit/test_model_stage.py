"""The model stage gives the plain sequential path's bytes, in a worker or not, on any machine."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

import generator.emit.models as model_package
from generator.emit.models import emit_models, forking, parts, stage
from generator.emit.package import header_line
from generator.format import format_files
from generator.ir.schemas import plan_models
from generator.pipeline import contract_label, generate_contract
from generator.spec import load as load_module
from generator.spec.load import load_spec

ROOT = Path(__file__).parents[2]
BROKEN = ROOT / "tests" / "data" / "broken"
SHOWCASE = ROOT / "specs" / "showcase.yaml"


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[stage.ModelStage]:
    """Every contract counts as large; every stage started is recorded."""
    started: list[stage.ModelStage] = []
    real = stage.start_models

    def start(*args: object, **kwargs: str) -> stage.ModelStage:
        models = real(*args, **kwargs)  # type: ignore[arg-type]
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
    loaded = load_spec(SHOWCASE)
    assert loaded.spec is not None
    label = "specs/showcase.yaml"
    plan = plan_models(loaded.spec.root)
    monkeypatch.setattr(parts, "SPLIT_THRESHOLD", 4)  # two parts, the second one forked
    plain = format_files({"models.py": emit_models(plan, header=header_line(label))})
    monkeypatch.setattr(stage, "PARALLEL_THRESHOLD", 0)
    with stage.start_models(SHOWCASE, label=label) as models:
        models.load(loaded.spec)
        models.read_as([])
        assert models.worker is not None
        forked = models.models_py(plan)
    monkeypatch.setattr(forking, "can_fork", lambda: False)  # one core, or no `fork`
    with stage.start_models(SHOWCASE, label=label) as models:
        models.load(loaded.spec)
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
    path = ROOT / "specs" / "users.yaml"
    loaded = load_spec(path)
    assert loaded.spec is not None
    assert stage.size(loaded.spec.root) < stage.PARALLEL_THRESHOLD
    assert path.stat().st_size < stage.PARALLEL_BYTES
    models = stage.start_models(path, label="u")
    assert models.worker is None
    models.load(loaded.spec)
    assert models.worker is None


def _parent_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the model stages run in this process (a worker's runs happen in its own)."""
    runs: list[int] = []
    real = stage._formatted

    def counted(*args: Any, **kwargs: Any) -> str:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(stage, "_formatted", counted)
    return runs


def _sequential(spec: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(forking, "can_fork", lambda: False)
        return generate_contract(spec, out, label="c.yaml").files["models.py"]


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
@pytest.mark.parametrize(
    "name", ["required-property-undefined", "default-mismatch", "duplicate-operation-id"]
)
def test_the_worker_models_the_contract_as_our_rules_read_it(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forced: list[stage.ModelStage],
    workers: list[forking.Forked],
) -> None:
    """Warts our rules read leniently reach the worker before the standard check ends: its
    models.py is used (the parent never runs the stage) and is the sequential run's."""
    spec = BROKEN / f"{name}.yaml"
    runs = _parent_runs(monkeypatch)
    parallel = generate_contract(spec, tmp_path / "a", label="c.yaml")
    assert forced[0].edits and not runs and len(workers) == 1
    assert parallel.files["models.py"] == _sequential(spec, tmp_path / "b", monkeypatch)


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
def test_a_reading_of_the_standard_check_stops_the_worker(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forced: list[stage.ModelStage],
    workers: list[forking.Forked],
) -> None:
    """`required: true` in a schema is read by the standard check, after the worker was told
    our rules' edits: the parent models the contract as it is finally read."""
    spec = tmp_path / "c.yaml"
    text = (ROOT / "specs" / "users.yaml").read_text(encoding="utf-8")
    spec.write_text(re.sub(r"(\n +)type: string", r"\1type: string\1required: true", text, count=1))
    runs = _parent_runs(monkeypatch)
    parallel = generate_contract(spec, tmp_path / "a", label="c.yaml")
    assert [d.rule for d in parallel.checked.diagnostics if d.rule == "schema-type"]
    assert forced[0].edits == () and runs == [1] and _worker_ended(forced[0], workers)
    assert parallel.files["models.py"] == _sequential(spec, tmp_path / "b", monkeypatch)


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
def test_a_large_file_starts_its_worker_before_loading(
    monkeypatch: pytest.MonkeyPatch, forced: list[stage.ModelStage], workers: list[forking.Forked]
) -> None:
    """The worker warms up while the parent loads; its models.py is the committed one."""
    monkeypatch.setattr(stage, "PARALLEL_BYTES", 1)
    forks_at_load: list[int] = []
    real = load_module.load_spec

    def load(*args: Any, **kwargs: Any) -> Any:
        forks_at_load.append(len(workers))
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "load_spec", load)
    runs = _parent_runs(monkeypatch)
    label = contract_label(SHOWCASE, ROOT)
    result = generate_contract(SHOWCASE, ROOT / "generated" / "showcase", label=label, check=True)
    assert forks_at_load == [1] and not runs and _worker_ended(forced[0], workers)
    assert result.report is not None and not result.report.changed


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


def _reads_nothing(inbox: Any) -> None:
    return None


def _reads_two(inbox: Any) -> tuple[int, str]:
    first, second = inbox.recv(), inbox.recv()
    return len(first), second


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork and two cores")
def test_the_inbox_gets_values_in_order_and_a_gone_child_none() -> None:
    child = forking.start(_reads_two, inbox=True)
    assert child is not None
    child.send(b"x" * (8 << 20))  # far more than a pipe holds: written in the background
    child.send("after")
    assert child.result() == (True, (8 << 20, "after"))
    gone = forking.start(_reads_nothing, inbox=True)
    assert gone is not None
    assert gone.result() == (True, None)
    gone.send("too late")  # the child ended: nothing to write to, and no error
    gone.cancel()
