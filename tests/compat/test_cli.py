"""`specfirst diff` as CI meets it: output formats, exit codes, unreadable sides, `git:REF:path`."""

from __future__ import annotations

import doctest
import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import compat
from generator.cli import app

DATA = Path(__file__).parents[1] / "data" / "compat"
ROOT = Path(__file__).parents[2]
GIT = shutil.which("git")


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def pair(name: str) -> tuple[str, str]:
    return str(DATA / name / "old.yaml"), str(DATA / name / "new.yaml")


def test_text_names_rule_level_and_both_locations() -> None:
    old, new = pair("operation-removed")
    code, out, _ = run("diff", old, new)
    assert code == 1
    assert out.splitlines() == [
        "breaking[operation-removed] DELETE /users/{id}: operation removed",
        f"  old {old}:90 → new {new}:58",
        f"{old} → {new}: 1 breaking, 0 warnings, 0 info",
    ]


def test_markdown_is_a_table_with_a_summary() -> None:
    code, out, _ = run("diff", *pair("component-refs"), "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("### API changes: ")
    assert lines[2] == "**6 breaking**, 0 warnings, 1 info"
    assert "| level | rule | change | old | new |" in lines
    rows = [line for line in lines if line.startswith("| **breaking**")]
    assert len(rows) == 6 and "`request-constraint-tightened`" in rows[0]
    assert lines.index(rows[-1]) < next(i for i, x in enumerate(lines) if x.startswith("| info"))


def test_github_annotates_new_file_for_breaking_and_warning_only() -> None:
    old, new = pair("shared-enum-value-added")
    code, out, _ = run("diff", old, new, "--format", "github")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1  # one change, named where it is worst (responses; requests: info)
    assert lines[0].startswith(f"::warning file={new},line=103,")
    assert "title=response-enum-value-added::GET /users response 200" in lines[0]
    code, out, _ = run("diff", *pair("security-added"), "--format", "github")
    assert code == 1 and out.startswith("::error file=")


def test_fail_on_warning() -> None:
    assert run("diff", *pair("response-nullable-added"))[0] == 0
    assert run("diff", *pair("response-nullable-added"), "--fail-on", "warning")[0] == 1
    assert run("diff", *pair("response-status-added"), "--fail-on", "warning")[0] == 0


def test_no_validate_gives_the_same_changes() -> None:
    slow = run("diff", *pair("shared-schema-max-length"), "--format", "json")[1]
    fast = run("diff", *pair("shared-schema-max-length"), "--format", "json", "--no-validate")[1]
    assert json.loads(slow) == json.loads(fast)


def test_an_unreadable_or_invalid_side_exits_2_with_its_diagnostics(tmp_path: Path) -> None:
    old, _ = pair("identical")
    code, out, err = run("diff", old, str(tmp_path / "missing.yaml"))
    assert code == 2 and "file not found" in err and out == ""
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a: [\n")
    code, _, err = run("diff", str(broken), old)
    assert code == 2 and f"{broken}:" in err and "cannot be compared" in err
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses: {}\n"
    )
    code, _, err = run("diff", old, str(invalid))
    assert code == 2 and "error[" in err


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose contract spans two files, committed, then tightened in the tree."""
    if GIT is None:
        pytest.skip("git is not installed")
    specs = tmp_path / "specs"
    (specs / "schemas").mkdir(parents=True)
    base = (DATA / "shared-schema-max-length" / "old.yaml").read_text()
    head, _, tail = base.partition("    UserInput:\n")
    user_input, _, user = tail.partition("    User:\n")
    (specs / "api.yaml").write_text(
        head + "    UserInput:\n      $ref: 'schemas/user_input.yaml'\n    User:\n" + user
    )
    external = "\n".join(line[6:] for line in user_input.splitlines()) + "\n"
    external = external.replace("'#/components", "'../api.yaml#/components")
    (specs / "schemas" / "user_input.yaml").write_text(external)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v1")
    tightened = (specs / "schemas" / "user_input.yaml").read_text().replace("254", "100")
    (specs / "schemas" / "user_input.yaml").write_text(tightened)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_side_with_a_multi_file_contract(repo: Path) -> None:
    code, out, err = run("diff", "git:HEAD:specs/api.yaml", "specs/api.yaml", "--format", "json")
    assert code == 1, err
    changes = json.loads(out)["changes"]
    assert [c["message"] for c in changes] == [
        "POST /users request body: property 'email' maxLength 254 → 100"
        " (also PUT /users/{id} request body)",
    ]
    assert changes[0]["old"]["file"] == "git:HEAD:specs/schemas/user_input.yaml"
    assert changes[0]["new"]["file"] == "specs/schemas/user_input.yaml"
    assert changes[0]["old"]["line"] == changes[0]["new"]["line"]
    assert run("diff", "git:HEAD:specs/api.yaml", "git:HEAD:./specs/api.yaml")[0] == 0


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("git:nope:specs/api.yaml", "unknown git revision 'nope'"),
        ("git:HEAD:specs/other.yaml", "no such file at that revision"),
        ("git:HEAD:../outside.yaml", "outside the repository"),
        ("git:HEAD:/etc/passwd", "outside the repository"),
        ("git:--output=x:specs/api.yaml", "cannot start with '-'"),
        ("git:HEAD", "expected git:REF:path"),
    ],
)
def test_git_sides_that_are_refused(repo: Path, argument: str, message: str) -> None:
    code, out, err = run("diff", argument, "specs/api.yaml")
    assert code == 2 and message in err and out == ""


def test_git_side_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if GIT is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("diff", "git:HEAD:api.yaml", str(DATA / "identical" / "new.yaml"))
    assert code == 2 and "error:" in err


@pytest.mark.parametrize(
    "module", sorted(m.name for m in pkgutil.iter_modules(compat.__path__, "generator.compat."))
)
def test_docstring_examples(module: str) -> None:
    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_the_output_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    """Several enum values removed at once come out in contract order, not set order."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    text = (DATA / "identical" / "old.yaml").read_text()
    old.write_text(text.replace("enum: [admin, member]", "enum: [admin, member, a, b, c, d, e, f]"))
    new.write_text(text.replace("enum: [admin, member]", "enum: [admin]"))
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-m", "generator", "diff", str(old), str(new)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    removed = [
        line.split("enum value ")[1].split(" ")[0]
        for line in outputs.pop().splitlines()
        if "enum value" in line
    ]
    assert removed == ["'member'", "'a'", "'b'", "'c'", "'d'", "'e'", "'f'"]
