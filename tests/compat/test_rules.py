"""The diff rule catalogue and docs/compat.md's table agree (one list of ids, kept in rules.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.compat.rules import CATALOGUE, Severity

DOCS = Path(__file__).parents[2] / "docs" / "compat.md"


@pytest.mark.parametrize("level", list(Severity))
def test_the_docs_table_lists_every_rule_at_its_level(level: Severity) -> None:
    row = next(line for line in DOCS.read_text().splitlines() if line.startswith(f"| {level} |"))
    assert re.findall(r"`([a-z0-9-]+)`", row) == [r.id for r in CATALOGUE if r.level is level]
