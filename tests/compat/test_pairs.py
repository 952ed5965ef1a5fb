"""The table of contract pairs: each pair's exact classification and its exit code.

Every folder under tests/data/compat/ holds `old.yaml` and `new.yaml`; most differ from the
users contract by one edit. The table says which (rule, level) pairs `specfirst diff` must
report, nothing more and nothing less; a breaking pair must exit 1 under the default
`--fail-on breaking` and every other pair 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

DATA = Path(__file__).parents[1] / "data" / "compat"
BREAKING, WARNING, INFO = "breaking", "warning", "info"

CASES: dict[str, set[tuple[str, str]]] = {
    # Breaking.
    "path-removed": {("path-removed", BREAKING)},
    "operation-removed": {("operation-removed", BREAKING)},
    "response-status-removed": {("response-status-removed", BREAKING)},
    "request-media-type-removed": {("request-media-type-removed", BREAKING)},
    "response-media-type-removed": {("response-media-type-removed", BREAKING)},
    "request-parameter-added-required": {("request-parameter-added-required", BREAKING)},
    "request-parameter-made-required": {("request-parameter-made-required", BREAKING)},
    "request-parameter-location-changed": {("request-parameter-location-changed", BREAKING)},
    "request-parameter-type-changed": {("request-type-changed", BREAKING)},
    "request-parameter-maximum-lowered": {("request-constraint-tightened", BREAKING)},
    "request-parameter-style-changed": {("request-parameter-style-changed", BREAKING)},
    "request-property-added-required": {("request-property-added-required", BREAKING)},
    "request-property-made-required": {("request-property-made-required", BREAKING)},
    "shared-schema-max-length": {("request-constraint-tightened", BREAKING)},
    "request-minimum-raised": {("request-constraint-tightened", BREAKING)},
    "request-max-items-lowered": {("request-constraint-tightened", BREAKING)},
    "request-pattern-added": {("request-constraint-tightened", BREAKING)},
    "request-format-added": {("request-constraint-tightened", BREAKING)},
    "request-property-enum-added": {("request-constraint-tightened", BREAKING)},
    "shared-enum-value-removed": {
        ("request-enum-value-removed", BREAKING),
        ("response-enum-value-removed", INFO),
    },
    "request-type-narrowed": {("request-type-changed", BREAKING)},
    "request-additional-properties-closed": {("request-additional-properties-closed", BREAKING)},
    "request-nullable-removed": {("request-nullable-removed", BREAKING)},
    "nullable-type-array": {("request-nullable-removed", BREAKING)},
    "request-body-made-required": {("request-body-made-required", BREAKING)},
    "request-body-added-required": {("request-body-added-required", BREAKING)},
    "request-oneof-branch-removed": {("request-schema-branch-removed", BREAKING)},
    "recursive-schema": {
        ("request-constraint-tightened", BREAKING),
        ("response-constraint-tightened", INFO),
    },
    "mutual-recursion": {("request-constraint-tightened", BREAKING)},
    "response-property-removed": {("response-property-removed", BREAKING)},
    "response-property-made-optional": {("response-property-made-optional", BREAKING)},
    "response-property-type-changed": {("response-type-changed", BREAKING)},
    "response-type-widened": {("response-type-changed", BREAKING)},
    "security-added": {("security-added", BREAKING)},
    "security-scopes-added": {("security-scopes-added", BREAKING)},
    "security-scheme-changed": {("security-scheme-changed", BREAKING)},
    "component-refs": {  # parameters, bodies and responses behind $refs; several edits
        ("request-constraint-tightened", BREAKING),
        ("request-parameter-added-required", BREAKING),
        ("response-property-removed", BREAKING),
        ("request-type-changed", BREAKING),
        ("response-status-removed", BREAKING),
        ("response-status-added", INFO),
    },
    # Warnings: compatible by default, failing under --fail-on warning.
    "shared-enum-value-added": {
        ("request-enum-value-added", INFO),
        ("response-enum-value-added", WARNING),
    },
    "response-nullable-added": {("response-nullable-added", WARNING)},
    "response-max-length-raised": {("response-constraint-loosened", WARNING)},
    "response-oneof-branch-added": {("response-schema-branch-added", WARNING)},
    "response-anyof-null-added": {("response-nullable-added", WARNING)},
    "request-parameter-removed": {("request-parameter-removed", WARNING)},
    "request-property-removed": {("request-property-removed", WARNING)},
    "response-header-removed": {("response-header-removed", WARNING)},
    "operation-id-changed": {("operation-id-changed", BREAKING)},
    # Compatible.
    "identical": set(),
    "request-parameter-added": {("request-parameter-added", INFO)},
    "operation-added": {("operation-added", INFO), ("path-added", INFO)},
    "request-constraint-loosened": {("request-constraint-loosened", INFO)},
    "request-type-widened": {("request-type-widened", INFO)},
    "request-property-added": {("request-property-added", INFO)},
    "read-only-property-required": set(),
    "response-property-added": {("response-property-added", INFO)},
    "response-property-made-required": {("response-property-made-required", INFO)},
    "response-constraint-tightened": {("response-constraint-tightened", INFO)},
    "response-status-added": {("response-status-added", INFO)},
    "response-header-added": {("response-header-added", INFO)},
    "request-body-made-optional": {("request-body-made-optional", INFO)},
    "path-parameter-renamed": {("path-parameter-renamed", INFO)},
    "description-only": {("description-changed", INFO)},
    "security-removed": {("security-removed", INFO)},
    "security-scheme-renamed": set(),
    "inline-schema-moved-to-component": set(),
    "allof-refactor": set(),
    "enum-type-made-explicit": set(),
    "request-format-widened": {("request-constraint-loosened", INFO)},
}


def run(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; returns (exit code, stdout)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def pair(name: str) -> tuple[str, str]:
    return str(DATA / name / "old.yaml"), str(DATA / name / "new.yaml")


def test_every_fixture_folder_is_in_the_table() -> None:
    folders = {p.name for p in DATA.iterdir() if p.is_dir()}
    assert folders == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_classification_and_exit_codes(name: str) -> None:
    expected = CASES[name]
    code, out = run("diff", *pair(name), "--format", "json")
    found = {(c["rule"], c["level"]) for c in json.loads(out)["changes"]}
    assert found == expected
    levels = {level for _, level in expected}
    assert code == (1 if BREAKING in levels else 0)
    code, _ = run("diff", *pair(name), "--fail-on", "warning", "--format", "json")
    assert code == (1 if levels & {BREAKING, WARNING} else 0)


def test_a_shared_schema_change_is_reported_once_per_operation_and_direction() -> None:
    _, out = run("diff", *pair("shared-schema-max-length"), "--format", "json")
    messages = [c["message"] for c in json.loads(out)["changes"]]
    assert messages == [
        "POST /users request body: property 'email' maxLength 254 → 100",
        "PUT /users/{id} request body: property 'email' maxLength 254 → 100",
    ]


def test_each_change_is_located_in_both_files() -> None:
    old, new = pair("shared-enum-value-removed")
    _, out = run("diff", old, new, "--format", "json")
    change = json.loads(out)["changes"][0]
    assert (
        change["message"] == "GET /users parameter query 'role': schema enum value 'member' removed"
    )
    assert (change["old"]["file"], change["old"]["line"]) == (old, 103)
    assert (change["new"]["file"], change["new"]["line"]) == (new, 103)
    assert change["new"]["pointer"] == "/components/schemas/Role/enum"


def test_a_renamed_path_parameter_still_matches_its_operations() -> None:
    _, out = run("diff", *pair("path-parameter-renamed"), "--format", "json")
    (change,) = json.loads(out)["changes"]
    assert (
        change["message"]
        == "/users/{user_id}: path parameter renamed: 'id' → 'user_id' (was /users/{id})"
    )


def test_recursive_schemas_are_reported_at_every_operation_that_reaches_the_change() -> None:
    _, out = run("diff", *pair("mutual-recursion"), "--format", "json")
    messages = [c["message"] for c in json.loads(out)["changes"]]
    assert messages == [
        "POST /teams request body: property 'name' maxLength 80 → 40",
        "POST /people request body: property 'team.name' maxLength 80 → 40",
    ]
