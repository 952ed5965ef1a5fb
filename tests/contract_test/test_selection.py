"""Sized for big APIs: cost-balanced shards, merged reports, and testing only what changed."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.contract.options import TestOptions
from generator.contract.runner import selected_operations
from generator.contract.selection import changed_since, costs, parse_shard, shard_of
from generator.pipeline import check_contract
from tests.contract_test.conftest import CLINIC, CONTRACT, FAST, Outcome

RunCli = Callable[..., Outcome]
ROOT = Path(__file__).parents[2]


def _document(path: Path) -> dict[str, object]:
    checked = check_contract(path)
    assert checked.spec is not None
    return checked.spec.root


@pytest.mark.parametrize("contract", [CLINIC, ROOT / "specs" / "showcase.yaml"])
@pytest.mark.parametrize("count", [2, 3, 4])
def test_shards_cover_every_operation_once_and_balance_cost(contract: Path, count: int) -> None:
    document = _document(contract)
    every = selected_operations(document, TestOptions())
    shards = [shard_of(document, every, i, count) for i in range(1, count + 1)]
    assert sorted(op for shard in shards for op in shard) == sorted(every)
    weights = costs(document, every)
    loads = [sum(weights[op] for op in shard) for shard in shards]
    # greedy by cost: no shard exceeds the fair share by more than the heaviest operation
    assert max(loads) <= sum(loads) / count + max(weights.values())
    again = [shard_of(document, every, i, count) for i in range(1, count + 1)]
    assert again == shards  # every CI job computes the same split


def test_cost_follows_complexity_not_count() -> None:
    document = _document(CLINIC)
    weights = costs(document, ["GET /reports", "PUT /pets/{pet_id}"])
    assert weights["PUT /pets/{pet_id}"] > weights["GET /reports"]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_refused(text: str) -> None:
    from generator.contract.selection import SelectionError

    with pytest.raises(SelectionError):
        parse_shard(text)


def test_sharded_runs_merge_into_one_report(run_cli: RunCli, tmp_path: Path) -> None:
    reports = []
    for index in (1, 2):
        outcome = run_cli(
            str(CONTRACT), "--app", "notes_service:create_app", "--shard", f"{index}/2", *FAST
        )
        assert outcome.exit_code == 0, outcome.output
        assert any(s.startswith(f"shard {index}/2: ") for s in outcome.summary["skipped"])
        saved = tmp_path / f"shard{index}.json"
        saved.write_text(json_text(outcome))
        reports.append(saved)
    merged = run_cli(str(CONTRACT), *(arg for r in reports for arg in ("--merge", str(r))))
    assert merged.exit_code == 0, merged.output
    assert merged.summary["operations"]["total"] == merged.summary["operations"]["tested"] == 5
    # a matrix that lost a job does not pass
    partial = run_cli(str(CONTRACT), "--merge", str(reports[0]))
    assert partial.exit_code == 1
    assert any("not tested by any run" in e for e in partial.summary["errors"])


def json_text(outcome: Outcome) -> str:
    import json

    return json.dumps(outcome.summary)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding clinic.yaml and an implementation module, committed."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(CLINIC, root / "clinic.yaml")
    (root / "service.py").write_text("VALUE = 1\n")
    _git(root, "init", "-q")
    _git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "0",
    )
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "1")
    return root


def test_changed_since_tests_only_the_changed_operations(repo: Path) -> None:
    contract = repo / "clinic.yaml"
    text = contract.read_text()
    contract.write_text(
        text.replace(
            "name: {type: string, minLength: 1, maxLength: 40}",
            "name: {type: string, minLength: 1, maxLength: 20}",
        )
    )
    found = changed_since(contract, [contract], "HEAD", contract_only=False)
    assert found.operations == {"POST /pets", "PUT /pets/{pet_id}"}  # both send a NewPet
    (repo / "service.py").write_text("VALUE = 2\n")
    everything = changed_since(contract, [contract], "HEAD", contract_only=False)
    assert everything.operations is None and "implementation changed" in everything.reason
    only = changed_since(contract, [contract], "HEAD", contract_only=True)
    assert only.operations == found.operations


def test_changed_since_on_the_command_line(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "notes-repo"
    root.mkdir()
    shutil.copy(CONTRACT, root / "notes.yaml")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "1")
    contract = root / "notes.yaml"
    common = ("--app", "notes_service:create_app", "--env-prefix", "NOTES_", *FAST)
    nothing = run_cli(str(contract), *common, "--changed-since", "HEAD")
    assert nothing.exit_code == 0, nothing.output
    assert nothing.summary["operations"]["selected"] == []
    assert "0 operation(s) changed in the contract since HEAD" in nothing.output
    text = contract.read_text().replace(
        "summary: Liveness", "summary: Liveness\n      deprecated: true"
    )
    contract.write_text(text)
    one = run_cli(str(contract), *common, "--changed-since", "HEAD")
    assert one.exit_code == 0, one.output
    assert one.summary["operations"]["selected"] == ["GET /health"]


def _report(selected: list[str], scope: list[str], failures: int = 0) -> dict[str, object]:
    finding = {
        "check": "not_a_server_error",
        "code": "ST101",
        "kind": "ServerError",
        "title": "Server error",
        "message": "",
        "operation": selected[0] if selected else "",
        "curl": "curl -X GET http://h/a",
    }
    return {
        "operations": {"selected": selected, "untested": [], "scope": scope},
        "phases": {"fuzzing": "failure" if failures else "success"},
        "statuses": {op: {"200": 3} for op in selected},
        "failures": [finding] * failures,
        "cases": 3 * len(selected),
        "seconds": 2.0,
    }


def test_merge_adds_up_and_refuses_overlaps() -> None:
    from generator.contract.merge import merge_summaries

    every = ["GET /a", "GET /b", "GET /c"]
    merged = merge_summaries(
        "c.yaml", every, [_report(["GET /a"], every, 1), _report(["GET /b", "GET /c"], every)]
    )
    assert merged.operations == tuple(every) and merged.cases == 9 and len(merged.failures) == 1
    assert merged.phases == {"fuzzing": "failure"} and merged.errors == ()
    overlap = merge_summaries(
        "c.yaml",
        every,
        [_report(["GET /a", "GET /b"], every), _report(["GET /b", "GET /c"], every)],
    )
    assert overlap.errors == ("GET /b: tested by 2 runs (shards must not overlap)",)
    narrowed = merge_summaries(
        "c.yaml", every, [_report(["GET /b"], ["GET /b"]), _report([], ["GET /b"])]
    )
    assert narrowed.errors == () and narrowed.passed  # --changed-since: the runs' scope counts


def test_a_shard_stays_a_shard_beside_per_operation_schemathesis_tables() -> None:
    # `[[tool.specfirst.test.schemathesis.operations]]` (this repository's pyproject has two)
    # gives schemathesis an include filter of its own; include filters are ORed, so the shard
    # must be applied as an exclusion or every operation is tested by every shard
    from generator.contract.credentials import CredentialPlan
    from generator.contract.runner import RunPlan, load_schema

    document = _document(CLINIC)
    table = {"operations": [{"include-operation-id": "listPets", "checks": {}}]}
    options = TestOptions(shard=(1, 2), schemathesis=table)
    plan = RunPlan(document, "http://127.0.0.1:9", options, CredentialPlan({}, (), {}))
    loaded = sorted(result.ok().label for result in load_schema(plan, 1).get_all_operations())
    assert loaded == sorted(selected_operations(document, options))
    assert 0 < len(loaded) < len(selected_operations(document, TestOptions()))
