"""Where the client goes and what it may import: `<name>_client`, httpx and pydantic, no service."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import ProjectConfig

ROOT = Path(__file__).parents[2]
GENERATED = ROOT / "generated"
CLIENT_FILES = sorted(GENERATED.glob("*_client/**/*.py"))
ALLOWED = {"httpx", "httpx_sse", "pydantic", "pydantic_core", "typing_extensions"}


def specfirst(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_client_flag_writes_the_client_beside_the_package(tmp_path: Path) -> None:
    contract = ROOT / "tests" / "data" / "contracts" / "client.yaml"
    plain = specfirst("generate", str(contract), "-o", str(tmp_path / "plain"), cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert not (tmp_path / "plain_client").exists()
    flagged = specfirst(
        "generate", str(contract), "-o", str(tmp_path / "things"), "--client", cwd=tmp_path
    )
    assert flagged.returncode == 0, flagged.stderr
    assert (tmp_path / "things_client" / "client.py").is_file()
    assert f"{tmp_path / 'things_client'}: 18 written" in flagged.stdout
    again = specfirst(
        "generate",
        str(contract),
        "-o",
        str(tmp_path / "things"),
        "--client",
        "--check",
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stdout


def test_the_config_key_turns_the_client_on(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.specfirst]\nclient = true\n", encoding="utf-8")
    assert ProjectConfig.from_file(tmp_path / "pyproject.toml").client is True
    (tmp_path / "pyproject.toml").write_text("[tool.specfirst]\nclient = 'yes'\n", encoding="utf-8")
    assert ProjectConfig.from_file(tmp_path / "pyproject.toml").client is False


def test_there_are_committed_clients() -> None:
    assert {p.parent.name for p in CLIENT_FILES} >= {"users_client", "showcase_client"}


@pytest.mark.parametrize("path", CLIENT_FILES, ids=lambda p: str(p.relative_to(GENERATED)))
def test_a_client_imports_only_the_standard_library_httpx_and_pydantic_libraries(
    path: Path,
) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in ALLOWED or top in sys.stdlib_module_names, f"{path}: imports {name}"


def test_importing_a_client_loads_nothing_of_the_service() -> None:
    probe = (
        "import sys, users_client; "
        "print(sorted(m for m in ('fastapi', 'starlette', 'users', 'generator') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(GENERATED)},
    )
    assert result.stdout.strip() == "[]"


def test_watch_regenerates_the_client_too(tmp_path: Path) -> None:
    from generator.cli.watch import run_lines
    from generator.watch import watch_contract

    contract = ROOT / "tests" / "data" / "contracts" / "client.yaml"
    output = tmp_path / "things"
    runs = watch_contract(contract, output, label="client.yaml", client=True)
    first = next(runs)  # the run before any change; watching starts only after it
    runs.close()
    assert first.generated.client_report is not None
    assert (tmp_path / "things_client" / "client.py").is_file()
    assert f"{tmp_path / 'things_client'}: 18 written, 0 unchanged, 0 removed" in run_lines(
        contract, output, first
    )
