"""The scaffolded contract-test module: where it goes, and written once like the stubs.

`specfirst scaffold` writes `test_<contract>_contract.py` (`generator/contract/pytest_module.py`
renders it) into the project's tests folder: `tests` in `[tool.specfirst]` (default `tests/`),
or `--tests`. Not inside the implementation package, which ships; pytest collects tests there.
A folder scaffold creates gets an empty `__init__.py`, so pytest puts the project root on
`sys.path` and the module imports the generated package and the implementation as the project
does. An existing module is never rewritten: after the first write it is the developer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

INIT = "__init__.py"


@dataclass(frozen=True)
class ContractTests:
    """What scaffold did with the contract-test module: `path` written (`created`) or kept."""

    path: Path | None
    created: bool = False
    note: str | None = None


def contract_tests_name(contract: Path) -> str:
    """The module's file name for a contract: pytest collects `test_*.py`.

    >>> contract_tests_name(Path("specs/pet-store.v2.yaml"))
    'test_pet_store_v2_contract.py'
    """
    stem = re.sub(r"\W+", "_", contract.stem).strip("_").lower() or "api"
    return f"test_{stem}_contract.py"


def scaffold_contract_tests(
    contract: Path, *, label: str, package: str, stubs: Path, tests: Path, root: Path
) -> ContractTests:
    """Write the contract-test module for `contract` into `tests` unless it exists.

    `stubs` is the implementation package (its `create_app` is the factory under test), which
    must be importable from the project `root`; `package` is the generated package.
    """
    from generator.contract.pytest_module import render_pytest_module
    from generator.format import format_files, sort_imports
    from generator.scaffold import default_package, write_stubs

    target = tests / contract_tests_name(contract)
    if target.exists():
        return ContractTests(target)
    module = default_package(stubs, root)
    if module is None:
        note = f"no contract tests: {stubs} is not an importable package below {root}"
        return ContractTests(None, note=note)
    source = render_pytest_module(label, package, f"{module}:create_app")
    files = sort_imports(format_files({target.name: source}), first_party=package.split(".")[0])
    created = [target.name] + ([] if tests.exists() else [INIT])
    files.update({INIT: ""} if INIT in created else {})
    write_stubs(tests, files, created)
    return ContractTests(target, created=True)
