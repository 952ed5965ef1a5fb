"""The generation gap, end to end (issue 4): scaffold, implement one method by hand, change the
contract (add an operation, add a parameter, rename a schema), regenerate and scaffold again.

The hand-written method stays byte for byte, the new operation's stub is appended, the stubs
pass ruff and mypy --strict with the generated package, and mypy then points at the method
whose signature no longer matches the contract.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

from ruff.__main__ import find_ruff_bin

from generator.pipeline import generate_contract
from generator.scaffold import Added, scaffold_contract

V1 = """\
openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: /v1}]
tags: [{name: pets}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 20}}
      responses:
        '200':
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /pets/{petId}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '404': {description: No such pet.}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"""

# v2: a required parameter on getPet, a new operation deletePet, and Pet renamed to Animal.
V2 = (
    V1.replace(
        "        - {name: petId, in: path, required: true, schema: {type: integer}}\n"
        "      responses:\n        '200':\n          description: The pet.",
        "        - {name: petId, in: path, required: true, schema: {type: integer}}\n"
        "        - {name: verbose, in: query, required: true, schema: {type: boolean}}\n"
        "      responses:\n        '200':\n          description: The pet.",
    )
    .replace(
        "        '404': {description: No such pet.}\n",
        "        '404': {description: No such pet.}\n"
        "    delete:\n      operationId: deletePet\n      tags: [pets]\n      parameters:\n"
        "        - {name: petId, in: path, required: true, schema: {type: integer}}\n"
        "        - {name: since, in: query, schema: {type: string, format: date-time}}\n"
        "      responses:\n        '204': {description: Deleted.}\n",
    )
    .replace("/Pet'", "/Animal'")
    .replace("    Pet:\n", "    Animal:\n")
)

HAND_WRITTEN = '''\
    async def get_pet(
        self,
        *,
        pet_id: int,
    ) -> results.GetPetOk | results.GetPetNotFound:
        """GET /pets/{petId}: written by hand, one pet for now."""
        if pet_id != 1:
            return results.GetPetNotFound()
        return results.GetPetOk(body=models.Pet(id=1, name="Rex"))
'''

PYPROJECT = """\
[tool.ruff]
line-length = 100
target-version = "py311"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]
ignore = ["E501"]

[tool.mypy]
strict = true
python_version = "3.11"
"""


def _generate_and_scaffold(project: Path, contract_text: str) -> list[Added]:
    contract = project / "pets.yaml"
    contract.write_text(contract_text, encoding="utf-8")
    generated = generate_contract(contract, project / "pets_api", label="pets.yaml")
    assert generated.report is not None, generated.checked.diagnostics
    result = scaffold_contract(contract, project / "impl", package="pets_api", label="pets.yaml")
    assert result.report is not None
    return result.report.added


def _implement_get_pet(stub: str) -> str:
    """What a developer does: write the method's body, import what it uses."""
    start = stub.index("    async def get_pet(")
    end = stub.index("        raise NotImplementedError\n", start) + len(
        "        raise NotImplementedError\n"
    )
    written = stub[:start] + HAND_WRITTEN + stub[end:]
    return written.replace(
        "from pets_api import PetsApi, results", "from pets_api import PetsApi, models, results"
    )


def _tool(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=project, capture_output=True, text=True, check=False)


def _mypy(project: Path) -> subprocess.CompletedProcess[str]:
    return _tool(project, sys.executable, "-m", "mypy", "--strict", "impl", "pets_api")


def _lint(project: Path) -> None:
    for args in (("check", "impl"), ("format", "--check", "impl")):
        done = _tool(project, find_ruff_bin(), *args)
        assert done.returncode == 0, done.stdout + done.stderr


def _only_insertions(old: str, new: str) -> bool:
    matcher = difflib.SequenceMatcher(
        a=old.splitlines(True), b=new.splitlines(True), autojunk=False
    )
    return all(tag in {"equal", "insert"} for tag, *_ in matcher.get_opcodes())


def test_scaffold_survives_contract_changes(tmp_path: Path) -> None:
    project = tmp_path
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert _generate_and_scaffold(project, V1) == []
    stub_file = project / "impl" / "pets.py"
    init_before = (project / "impl" / "__init__.py").read_text(encoding="utf-8")
    _lint(project)
    first = _mypy(project)
    assert first.returncode == 0, first.stdout

    stub_file.write_text(
        _implement_get_pet(stub_file.read_text(encoding="utf-8")), encoding="utf-8"
    )
    before = stub_file.read_text(encoding="utf-8")
    added = _generate_and_scaffold(project, V2)

    after = stub_file.read_text(encoding="utf-8")
    assert added == [Added("pets.py", "PetsImpl", ("delete_pet",), ("datetime",))]
    assert HAND_WRITTEN in after
    assert _only_insertions(before, after)
    assert "    async def delete_pet(" in after.split(HAND_WRITTEN, 1)[1]
    assert (project / "impl" / "__init__.py").read_text(encoding="utf-8") == init_before
    _lint(project)

    lines = after.splitlines()
    method_line = lines.index("    async def get_pet(") + 1
    body_line = next(i for i, line in enumerate(lines, 1) if "models.Pet(" in line)
    checked = _mypy(project)
    assert checked.returncode == 1, checked.stdout
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert any(
        line.startswith(f"impl/pets.py:{method_line}:") and '"get_pet"' in line for line in errors
    ), checked.stdout
    assert any(
        line.startswith(f"impl/pets.py:{body_line}:") and '"Pet"' in line for line in errors
    ), checked.stdout
    get_pet_end = method_line + HAND_WRITTEN.count("\n") - 1
    for line in errors:
        number = int(re.match(r"impl/pets\.py:(\d+):", line)[1])  # type: ignore[index]
        assert method_line <= number <= get_pet_end, line
