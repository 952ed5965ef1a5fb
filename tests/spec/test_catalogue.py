"""The rule catalogue is the one list of ids: stages emit only its ids, the docs show its tables.

Regenerate the tables in docs/diagnostics.md after changing the catalogue with
`SPECFIRST_UPDATE_SNAPSHOTS=1 pytest tests/spec/test_catalogue.py`.
"""

from __future__ import annotations

import ast
import doctest
import os
import re
from pathlib import Path

import pytest

import generator.spec.catalogue as catalogue
from generator.diagnostics import Level
from generator.spec.catalogue import CATALOGUE, RULES, Stage, diagnostic, doc_table, rule_of

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "diagnostics.md"
BROKEN = ROOT / "tests" / "data" / "broken"
UPDATE = os.environ.get("SPECFIRST_UPDATE_SNAPSHOTS") == "1"
_TABLE = re.compile(r"(<!-- catalogue:(\w+) [^\n]*-->\n)(.*?)(<!-- /catalogue -->)", re.S)
# Functions whose first argument is a rule id of this catalogue.
_EMITTERS = {"diag", "diagnostic", "error", "_diag", "Refused", "Fatal", "_report"}
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def test_ids_are_unique_and_kebab_case() -> None:
    assert len(RULES) == len(CATALOGUE)
    assert [r.id for r in CATALOGUE if not _ID.match(r.id)] == ["schema-<keyword>"]


def test_the_doc_tables_are_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = _TABLE.sub(lambda m: m[1] + doc_table(Stage(m[2])) + m[4], text)
    if UPDATE:
        DOC.write_text(expected, encoding="utf-8")
    assert sorted(m[2] for m in _TABLE.finditer(text)) == sorted(s.value for s in Stage)
    assert text == expected


def _literal_ids() -> list[tuple[str, str]]:
    """`(where, id)` for every string literal passed as a rule id, or compared with `.rule`."""
    found = []
    emitting = [*(ROOT / "generator" / "spec").rglob("*.py"), *(ROOT / "generator").glob("*.py")]
    for path in sorted(emitting):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in _EMITTERS:
                    values = [node.args[0]]
            elif isinstance(node, ast.Compare) and getattr(node.left, "attr", "") == "rule":
                values = [v for c in node.comparators for v in getattr(c, "elts", [c])]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append((where, value.value))
    return found


def _catalogued(rule: str) -> bool:
    try:
        rule_of(rule)
    except KeyError:
        return False
    return True


def test_every_literal_rule_id_in_the_generator_is_catalogued() -> None:
    found = _literal_ids()
    assert len(found) > 50  # the scan sees the emitters
    assert [(where, rule) for where, rule in found if not _catalogued(rule)] == []


def test_every_snapshot_shows_catalogued_rules_at_their_levels() -> None:
    shown = re.compile(r"^\S+:\d+:\d+: (error|warning|notice|info)\[([^\]]+)\]", re.M)
    seen = set()
    for snapshot in sorted(BROKEN.glob("*.out")):
        for level, rule in shown.findall(snapshot.read_text(encoding="utf-8")):
            assert Level(level) in rule_of(rule).levels, (snapshot.name, rule, level)
            seen.add(rule_of(rule).id)
    assert len(seen) > 30


def test_an_id_outside_the_catalogue_is_a_bug() -> None:
    with pytest.raises(KeyError):
        diagnostic("no-such-rule", "message")
    with pytest.raises(ValueError):
        diagnostic("duplicate-tag", "message", level=Level.WARNING)
    assert diagnostic("schema-min-length", "m").level is Level.ERROR


def test_docstring_examples() -> None:
    assert doctest.testmod(catalogue).failed == 0
