"""Golden: `generated/` is exactly what the generator makes from `specs/`, under any hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import ProjectConfig
from generator.pipeline import contract_label, generate_contract

ROOT = Path(__file__).parents[1]
CONFIG = ProjectConfig.from_file(ROOT / "pyproject.toml")


@pytest.mark.parametrize("contract", CONFIG.contracts(), ids=lambda c: c.spec.name)
def test_generated_code_is_current(contract: object) -> None:
    from generator.config import Contract

    assert isinstance(contract, Contract)
    label = contract_label(contract.spec, ROOT)
    result = generate_contract(
        contract.spec, contract.output, label=label, check=True, client=CONFIG.client
    )
    assert result.report is not None, [str(d.message) for d in result.checked.diagnostics]
    reports = [result.report] + ([result.client_report] if result.client_report else [])
    assert CONFIG.client == (result.client_report is not None)
    diffs = "".join(diff for report in reports for diff in report.diffs)
    assert not any(r.changed for r in reports), (
        "generated/ is stale; run `specfirst generate`:\n" + diffs[:4000]
    )


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_generation_is_deterministic_across_hash_seeds(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
