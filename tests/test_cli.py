"""The command line as a user meets it: exit codes, formats, and never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BROKEN = ROOT / "tests" / "data" / "broken"


def specfirst(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_version_and_help() -> None:
    assert specfirst("--version").stdout.startswith("specfirst ")
    assert "validate" in specfirst("--help").stdout


def test_clean_contracts_exit_zero() -> None:
    result = specfirst("validate", "specs/users.yaml")
    assert result.returncode == 0, result.stdout
    assert "no problems" in result.stdout


def test_errors_exit_one_and_warnings_only_under_strict() -> None:
    assert specfirst("validate", "tests/data/broken/duplicate-tag.yaml").returncode == 1
    warning_only = "tests/data/broken/missing-operation-id.yaml"
    assert specfirst("validate", warning_only).returncode == 0
    assert specfirst("validate", "--strict", warning_only).returncode == 1


def test_missing_file_is_a_usage_error() -> None:
    result = specfirst("validate", "no/such/file.yaml")
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr


def test_json_format_lists_every_finding() -> None:
    result = specfirst(
        "validate",
        "--format",
        "json",
        "tests/data/broken/undeclared-scope.yaml",
        "specs/users.yaml",
    )
    data = json.loads(result.stdout)
    first, second = data["contracts"]
    assert first["valid"] is False and second["valid"] is True
    finding = first["diagnostics"][0]
    assert (
        finding["rule"] == "undeclared-scope"
        and finding["line"] == 12
        and finding["pointer"].startswith("/paths")
    )
    assert first["silenced"] == 0


def test_github_annotations() -> None:
    result = specfirst("validate", "--format", "github", "tests/data/broken/undeclared-scope.yaml")
    assert result.stdout.startswith(
        "::error file=tests/data/broken/undeclared-scope.yaml,line=12,col=15,title=undeclared-scope::"
    )
    assert result.stdout.splitlines()[-1] == (
        "::notice title=specfirst validate::1 error, 0 warnings in 1 contract"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00garbage",
        b"openapi: 3.0.0\n" + b"x" * 200_000,
        b"{" * 5000,
        b"openapi: [1, 2\n",
        b"- - - - -",
        b"openapi: 3.1.0\ninfo: 7\npaths: []\n",
        b"openapi: 3.0.0\ninfo: {title: t, version: v}\npaths:\n  /a/{b}:\n    get: 5\n",
        b"\x00\x01\x02",
    ],
)
def test_malformed_input_never_prints_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(content)
    result = specfirst("validate", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{path}:" in result.stdout


def test_generate_refuses_an_invalid_contract_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = specfirst("generate", "tests/data/broken/undeclared-scope.yaml", "-o", str(out))
    assert result.returncode == 1
    assert not out.exists()


def test_exit_codes_have_one_home() -> None:
    # generator/cli/exits.py defines them; no other module spells a code or exits by itself
    exits = ROOT / "generator" / "cli" / "exits.py"
    spelled = re.compile(r"\b(typer\.Exit|sys\.exit)\(\s*\d|\bEXIT_[A-Z]+\s*=")
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "generator").rglob("*.py")
        if path != exits
        and "static" not in path.parts  # the generated runtime is copied whole into packages
        and spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    outside = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "generator").rglob("*.py")
        if "cli" not in path.parts
        and "static" not in path.parts
        and re.search(r"\btyper\.Exit\b|\bsys\.exit\(", path.read_text(encoding="utf-8"))
    ]
    assert outside == []


def test_every_command_is_a_module_of_the_cli_package() -> None:
    from generator.cli.app import COMMANDS, app

    registered = {command.name or command.callback.__name__ for command in app.registered_commands}
    assert registered == set(COMMANDS)
    assert {p.stem for p in (ROOT / "generator" / "cli").glob("*.py")} >= set(COMMANDS)


def _help_texts() -> list[tuple[str, str]]:
    """(command, text) for every docstring and parameter help the CLI renders as rich markup."""
    from generator.cli.app import app

    texts = [("specfirst", str(app.info.help))]
    for command in app.registered_commands:
        callback = command.callback
        assert callback is not None
        name = command.name or callback.__name__
        texts.append((name, callback.__doc__ or ""))
        for hint in getattr(callback, "__annotations__", {}).values():
            for meta in getattr(hint, "__metadata__", ()):
                texts.append((name, str(getattr(meta, "help", "") or "")))
    return texts


def test_help_text_survives_rich_markup() -> None:
    # `[tool.specfirst]` in a help text is a rich markup tag unless escaped: it vanished
    from rich.text import Text

    from generator.cli.app import app

    assert app.rich_markup_mode == "rich"
    for command, text in _help_texts():
        intended = re.sub(r"\[/?bold\]", "", text).replace("\\[", "[")
        assert Text.from_markup(text).plain == intended, command


def test_help_shows_tool_specfirst() -> None:
    for command in ("check", "validate", "scaffold", "token"):
        result = subprocess.run(
            [sys.executable, "-m", "generator", command, "--help"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "300"},
        )
        assert result.returncode == 0
        assert "[tool.specfirst" in result.stdout, command
        assert "Usage: specfirst " in result.stdout  # not `python -m generator`


def test_the_readme_command_table_has_every_command() -> None:
    from generator.cli.app import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `specfirst ")]
    missing = [c for c in COMMANDS if not any(f"`specfirst {c}" in row for row in rows)]
    assert missing == []
