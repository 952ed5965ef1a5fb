"""Orphaned methods: an operation removed or renamed leaves a method no route calls.

scaffold reports each at its file:line and keeps it; a rename (same method and path, new
operationId) names the method to rename to and `--rename` renames it; `check` fails on them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.orphans import RECORD
from generator.scaffold import ScaffoldReport, scaffold_contract

ROOT = Path(__file__).parents[2]
V1 = """\
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: A pet.
          content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
        '404': {description: No such pet.}
    delete:
      operationId: deletePet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '204': {description: Gone.}
"""
RENAMED = (
    V1.replace("operationId: getPet", "operationId: fetchPet")
    .replace("{name: id, in: path", "{name: pet_id, in: path")
    .replace("/pets/{id}", "/pets/{pet_id}")
)
ID_RENAMED = V1.replace("operationId: getPet", "operationId: fetchPet")
REMOVED = V1.split("    delete:")[0]
BODY = "        return results.GetPetOk(body=None)  # hand-written\n"


def _scaffold(root: Path, text: str, *, rename: bool = False) -> ScaffoldReport:
    contract = root / "pets.yaml"
    contract.write_text(text, encoding="utf-8")
    done = scaffold_contract(
        contract, root / "impl", package="pets_api", label="pets.yaml", rename=rename
    )
    assert done.report is not None
    return done.report


def _implement(root: Path) -> tuple[Path, int]:
    """Write get_pet's body by hand; the file and the line of its `def`."""
    stub = root / "impl" / "pets.py"
    text = stub.read_text(encoding="utf-8")
    start = text.index("    async def get_pet(")
    end = text.index("        raise NotImplementedError\n", start)
    stub.write_text(text[:end] + BODY + text[end + len("        raise NotImplementedError\n") :])
    line = stub.read_text(encoding="utf-8")[:start].count("\n") + 1
    return stub, line


def test_a_renamed_operation_names_the_method_to_rename(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    stub, line = _implement(tmp_path)
    before = stub.read_text(encoding="utf-8")
    report = _scaffold(tmp_path, RENAMED)
    [orphan] = report.orphans
    assert (orphan.file, orphan.line, orphan.method, orphan.rename_to) == (
        "pets.py",
        line,
        "get_pet",
        "fetch_pet",
    )
    assert "GET /pets/{pet_id} is now 'fetchPet'" in orphan.advice()
    assert "rename this method to fetch_pet" in orphan.advice()
    # no stub appended beside it, and the user's code untouched
    assert stub.read_text(encoding="utf-8") == before
    assert report.added == []


def test_rename_on_request_renames_the_method_and_its_result_classes(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    stub, _ = _implement(tmp_path)
    before = stub.read_text(encoding="utf-8")
    report = _scaffold(tmp_path, RENAMED, rename=True)
    after = stub.read_text(encoding="utf-8")
    assert [(o.method, o.rename_to) for o in report.renamed] == [("get_pet", "fetch_pet")]
    assert report.orphans == [] and report.added == []
    assert after == before.replace("def get_pet(", "def fetch_pet(").replace(
        "GetPetOk", "FetchPetOk"
    ).replace("results.GetPetNotFound", "results.FetchPetNotFound")
    assert "return results.FetchPetOk(body=None)  # hand-written" in after
    # the record now knows the new name: a third run finds nothing
    again = _scaffold(tmp_path, RENAMED)
    assert again.orphans == [] and not again.changed


def test_a_removed_operation_is_reported_and_its_code_kept(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    stub, _ = _implement(tmp_path)
    report = _scaffold(tmp_path, REMOVED, rename=True)
    [orphan] = report.orphans
    assert (orphan.method, orphan.rename_to) == ("delete_pet", None)
    assert "it was removed" in orphan.advice()
    assert "async def delete_pet(" in stub.read_text(encoding="utf-8")
    # still reported on the next run: the record keeps what it stood for until resolved
    assert [o.method for o in _scaffold(tmp_path, REMOVED).orphans] == ["delete_pet"]


def test_without_a_record_the_stub_docstring_tells_the_operation(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    (tmp_path / "impl" / RECORD).unlink()
    [orphan] = _scaffold(tmp_path, RENAMED).orphans
    assert orphan.rename_to == "fetch_pet" and orphan.past is None


def test_the_users_own_helpers_are_not_orphans(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    stub = tmp_path / "impl" / "pets.py"
    stub.write_text(
        stub.read_text(encoding="utf-8")
        + "\n    def describe(self) -> str:\n        return 'pets'\n"
        + "\n    async def _load(self) -> None:\n        return None\n"
    )
    assert _scaffold(tmp_path, V1).orphans == []


def test_the_command_prints_file_line_and_what_to_do(tmp_path: Path) -> None:
    _scaffold(tmp_path, V1)
    _, line = _implement(tmp_path)
    (tmp_path / "pets.yaml").write_text(RENAMED, encoding="utf-8")
    args = [
        "scaffold",
        str(tmp_path / "pets.yaml"),
        "-o",
        str(tmp_path / "impl"),
        "--package",
        "pets_api",
    ]
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert f"{tmp_path / 'impl' / 'pets.py'}:{line}:5: warning: PetsImpl.get_pet" in shown.output
    assert "1 orphaned" in shown.output.splitlines()[-1]
    renamed = CliRunner().invoke(app, [*args, "--rename"])
    assert f"renamed in {tmp_path / 'impl' / 'pets.py'}:{line}: PetsImpl.get_pet -> fetch_pet" in (
        renamed.output
    )


def _specfirst(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": f"{cwd}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_fails_on_an_orphan_and_points_at_the_old_method(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specfirst]\nspecs = "specs"\noutput = "."\n\n'
        '[tool.specfirst.apps]\npets_api = "impl:create_app"\n'
    )
    spec = tmp_path / "specs" / "pets_api.yaml"
    spec.write_text(V1, encoding="utf-8")
    assert _specfirst(tmp_path, "generate").returncode == 0
    assert _specfirst(tmp_path, "scaffold", str(spec), "-o", "impl").returncode == 0
    _, line = _implement(tmp_path)
    spec.write_text(ID_RENAMED, encoding="utf-8")
    assert _specfirst(tmp_path, "generate").returncode == 0
    result = _specfirst(tmp_path, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"impl/pets.py:{line}:5: error[orphaned-method] PetsImpl.get_pet" in result.stdout
    assert "rename this method to fetch_pet" in result.stdout
    assert _specfirst(tmp_path, "scaffold", str(spec), "-o", "impl", "--rename").returncode == 0
    assert "orphaned-method" not in _specfirst(tmp_path, "check").stdout


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    from generator import orphans

    result = doctest.testmod(orphans)
    assert result.attempted > 0 and result.failed == 0
