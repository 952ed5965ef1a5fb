"""Broken contracts under tests/data/broken: the exact `specfirst validate` output is a snapshot.

Regenerate after an intended change with `SPECFIRST_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py`
and review the diff like code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

BROKEN = Path(__file__).parent / "data" / "broken"
UPDATE = os.environ.get("SPECFIRST_UPDATE_SNAPSHOTS") == "1"


def _fixtures() -> list[Path]:
    found = []
    for entry in sorted(BROKEN.iterdir()):
        if entry.is_dir() and (entry / "openapi.yaml").is_file():
            found.append(entry / "openapi.yaml")
        elif entry.suffix in {".yaml", ".yml", ".json"}:
            found.append(entry)
    return found


def _snapshot_path(fixture: Path) -> Path:
    base = (
        fixture.parent if fixture.name == "openapi.yaml" and fixture.parent != BROKEN else fixture
    )
    return base.with_name(base.name + ".out")


def _run(fixture: Path) -> tuple[int, str]:
    relative = fixture.relative_to(BROKEN)
    cwd = Path.cwd()
    os.chdir(BROKEN)
    try:
        result = CliRunner().invoke(app, ["validate", "--strict", str(relative)])
    finally:
        os.chdir(cwd)
    return result.exit_code, result.output


@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: str(p.relative_to(BROKEN)))
def test_broken_contract_output(fixture: Path) -> None:
    code, output = _run(fixture)
    rendered = f"exit: {code}\n{output}"
    snapshot = _snapshot_path(fixture)
    if UPDATE:
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with SPECFIRST_UPDATE_SNAPSHOTS=1"
    assert "Traceback" not in output
    # A notice (what is not generated yet) is shown, and passes --strict.
    notice = "notice[" in output
    assert code != 0 or notice, "a broken contract must not validate cleanly"
    assert re.search(r"^[^\s:]+\.(ya?ml|json):\d+:\d+: (error|warning|notice)\[", output, re.M)
    assert rendered == snapshot.read_text(encoding="utf-8")
