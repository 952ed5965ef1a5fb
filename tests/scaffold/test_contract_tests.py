"""The scaffolded contract-test module (issue 22, item 4): it is written to the project's tests
folder (not into the implementation package), honours `[tool.specfirst.test]`, and passes
`mypy --strict` in the project it was written for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.pipeline import generate_contract
from generator.scaffold_tests import contract_tests_name

NOTES = Path(__file__).parents[1] / "data" / "contract_test" / "notes.yaml"

PYPROJECT = """\
[tool.specfirst]
specs = "specs"
output = "generated"
tests = "checks"

[tool.specfirst.test]
phases = ["examples", "fuzzing"]
exclude-tags = ["stats"]
exclude-checks = ["allow_header_conformance"]
max-examples = 3

[tool.mypy]
strict = true
python_version = "3.11"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with notes.yaml generated and scaffolded through the CLI, from its root."""
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "specs").mkdir()
    shutil.copy(NOTES, root / "specs" / "notes.yaml")
    generated = generate_contract(
        root / "specs" / "notes.yaml", root / "generated" / "notes", label="specs/notes.yaml"
    )
    assert generated.report is not None, generated.checked.diagnostics
    before = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(app, ["scaffold", "specs/notes.yaml", "-o", "service"])
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    (root / "scaffold-output.txt").write_text(result.output, encoding="utf-8")
    return root


def test_the_module_goes_to_the_configured_tests_folder(project: Path) -> None:
    output = (project / "scaffold-output.txt").read_text(encoding="utf-8").splitlines()
    assert "created checks/test_notes_contract.py" in output
    assert (project / "checks" / "test_notes_contract.py").is_file()
    # a folder scaffold creates is a package, so pytest puts the project root on sys.path
    assert (project / "checks" / "__init__.py").read_text(encoding="utf-8") == ""
    assert not [p.name for p in (project / "service").iterdir() if p.name.startswith("test")]


def test_the_module_is_written_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = project / "checks" / "test_notes_contract.py"
    original = module.read_text(encoding="utf-8")
    module.write_text(original + "\n# my own edits\n", encoding="utf-8")
    monkeypatch.chdir(project)
    try:
        again = CliRunner().invoke(app, ["scaffold", "specs/notes.yaml", "-o", "service"])
        assert again.exit_code == 0, again.output
        assert "unchanged checks/test_notes_contract.py" in again.output.splitlines()
        assert module.read_text(encoding="utf-8").endswith("# my own edits\n")
    finally:
        module.write_text(original, encoding="utf-8")


def test_a_tests_flag_overrides_the_config(tmp_path: Path, project: Path) -> None:
    other = tmp_path / "elsewhere"
    before = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(
            app, ["scaffold", "specs/notes.yaml", "-o", "service", "--tests", str(other)]
        )
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    assert (other / "test_notes_contract.py").is_file()


def test_the_module_passes_mypy_strict(project: Path) -> None:
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(project / ".mypy")]
    checked = subprocess.run(
        [*command, "checks/test_notes_contract.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_module_honours_the_project_test_settings(project: Path) -> None:
    """phases without stateful, exclude-tags = ["stats"]: what pytest collects shows both."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=project / "checks",
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-2000:]
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert any("test_contract" in line for line in ids), collected.stdout
    assert any("test_auth_matrix[POST /notes]" in line for line in ids), collected.stdout
    assert not [line for line in ids if "Stateful" in line or "/stats" in line]


@pytest.mark.parametrize(
    ("contract", "name"),
    [
        ("specs/users.yaml", "test_users_contract.py"),
        ("a/Pet-Store.v2.yml", "test_pet_store_v2_contract.py"),
    ],
)
def test_the_module_is_named_after_its_contract(contract: str, name: str) -> None:
    assert contract_tests_name(Path(contract)) == name
