"""`[tool.specfirst.rules]` and `x-specfirst-ignore`: severities per rule and per pointer glob,
inline ignores, silenced counts, and configuration mistakes located in pyproject.toml."""

from __future__ import annotations

import doctest
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generator.rule_config as rule_config
from generator.cli.app import app
from generator.pipeline import Checked, check_contract

# Two operations without an operationId (missing-operation-id, a warning), one under /legacy.
CONTRACT = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /legacy/items:
    get:
      responses: {'200': {description: ok}}
  /items:
    get:
      responses: {'200': {description: ok}}
"""


def _check(tmp_path: Path, rules: str, contract: str = CONTRACT) -> Checked:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n{rules}", encoding="utf-8")
    path = tmp_path / "api.yaml"
    path.write_text(contract, encoding="utf-8")
    return check_contract(path)


def _found(checked: Checked) -> list[tuple[str, str, str]]:
    return [(d.rule, d.level.value, d.pointer) for d in checked.diagnostics]


def test_without_configuration_findings_keep_their_levels(tmp_path: Path) -> None:
    checked = _check(tmp_path, "")
    assert [r[:2] for r in _found(checked)] == [("missing-operation-id", "warning")] * 2
    assert checked.silenced == 0


def test_a_rule_set_off_is_silenced_and_counted(tmp_path: Path) -> None:
    checked = _check(tmp_path, '[tool.specfirst.rules]\nmissing-operation-id = "off"\n')
    assert _found(checked) == [] and checked.silenced == 2


def test_a_warning_raised_to_error_stops_generation(tmp_path: Path) -> None:
    checked = _check(tmp_path, '[tool.specfirst.rules]\nmissing-operation-id = "error"\n')
    assert [r[1] for r in _found(checked)] == ["error", "error"] and not checked.ok()


def test_an_override_applies_to_matching_pointers_only_and_the_last_wins(tmp_path: Path) -> None:
    rules = """\
[tool.specfirst.rules]
missing-operation-id = "error"

[[tool.specfirst.rules.override]]
pointer = "/paths/~1legacy*/**"
rules = { missing-operation-id = "warning" }

[[tool.specfirst.rules.override]]
pointer = "/paths/~1legacy~1items/get"
rules = { missing-operation-id = "off" }
"""
    checked = _check(tmp_path, rules)
    assert _found(checked) == [("missing-operation-id", "error", "/paths/~1items/get")]
    assert checked.silenced == 1


def test_x_specfirst_ignore_silences_a_node_and_below(tmp_path: Path) -> None:
    contract = CONTRACT.replace(
        "  /legacy/items:\n", "  /legacy/items:\n    x-specfirst-ignore: [missing-operation-id]\n"
    )
    checked = _check(tmp_path, "", contract)
    assert _found(checked) == [("missing-operation-id", "warning", "/paths/~1items/get")]
    assert checked.silenced == 1


def test_an_unknown_rule_in_x_specfirst_ignore_is_a_located_warning(tmp_path: Path) -> None:
    contract = CONTRACT.replace("paths:\n", "x-specfirst-ignore: [no-such-rule]\npaths:\n")
    checked = _check(tmp_path, "", contract)
    unknown = [d for d in checked.diagnostics if d.rule == "rule-config"]
    assert [(d.level.value, d.pointer) for d in unknown] == [("warning", "/x-specfirst-ignore/0")]
    assert unknown[0].location is not None and unknown[0].location.line == 3


def test_an_error_generation_cannot_go_past_stays_an_error_when_ignored(tmp_path: Path) -> None:
    contract = CONTRACT + "tags: [{name: a}, {name: a}]\nx-specfirst-ignore: [duplicate-tag]\n"
    checked = _check(tmp_path, "", contract)
    assert ("duplicate-tag", "error") in [r[:2] for r in _found(checked)]


@pytest.mark.parametrize(
    ("rules", "needle", "says"),
    [
        ('no-such-rule = "off"', "no-such-rule", "unknown rule id 'no-such-rule'"),
        ('missing-operation-id = "loud"', "missing-operation-id", "severity must be"),
        ('duplicate-tag = "warning"', "duplicate-tag", "duplicate-tag cannot be set to warning"),
    ],
)
def test_a_configuration_mistake_is_an_error_in_pyproject(
    tmp_path: Path, rules: str, needle: str, says: str
) -> None:
    checked = _check(tmp_path, f"[tool.specfirst.rules]\n{rules}\n")
    mistakes = [d for d in checked.diagnostics if d.rule == "rule-config"]
    assert len(mistakes) == 1 and mistakes[0].is_error and says in mistakes[0].message
    where = mistakes[0].location
    assert where is not None and where.file == str(tmp_path / "pyproject.toml")
    lines = (tmp_path / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert lines[where.line - 1][where.column - 1 :].startswith(needle)
    assert not checked.ok()


def test_an_invalid_pointer_glob_is_an_error_in_pyproject(tmp_path: Path) -> None:
    rules = """\
[tool.specfirst.rules]

[[tool.specfirst.rules.override]]
pointer = "paths/a**"
rules = { missing-operation-id = "off" }
"""
    checked = _check(tmp_path, rules)
    mistakes = [d for d in checked.diagnostics if d.rule == "rule-config"]
    assert [d.message for d in mistakes] == [
        "invalid pointer glob 'paths/a**': it must start with '/'"
    ]
    assert mistakes[0].location is not None and mistakes[0].location.line == 7
    assert checked.silenced == 0 and not checked.ok()


def test_validate_reports_the_silenced_count_in_every_format(tmp_path: Path) -> None:
    _check(tmp_path, '[tool.specfirst.rules]\nmissing-operation-id = "off"\n')
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        runner = CliRunner()
        text = runner.invoke(app, ["validate", "api.yaml"]).output
        data = runner.invoke(app, ["validate", "--format", "json", "api.yaml"]).output
        github = runner.invoke(app, ["validate", "--format", "github", "api.yaml"]).output
    finally:
        os.chdir(cwd)
    assert text.strip() == "0 errors, 0 warnings, 2 silenced in 1 contract"
    assert json.loads(data)["contracts"][0]["silenced"] == 2
    assert github.strip() == "0 errors, 0 warnings, 2 silenced in 1 contract"


def test_docstring_examples() -> None:
    assert doctest.testmod(rule_config).failed == 0
