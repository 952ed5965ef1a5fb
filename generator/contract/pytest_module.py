"""`render_pytest_module`: a pytest module running the contract tests in-process (ASGI, no uvicorn).

The rendered module is the developer's (written once by `specfirst scaffold`, then theirs): it
reads the contract from the generated package (`<package>.contract.contract()`, the bundled
contract, not FastAPI's derived schema) and how the package verifies each security scheme
(`<package>.security.SCHEMES`: the IR's `SchemeKind`), builds the app through their factory
with fresh test credentials in the environment, and runs schemathesis (`@schema.parametrize()`
and the stateful `as_state_machine()`, a fresh app per scenario) plus an auth matrix: per
secured operation, no credentials and invalid credentials get 401, a token without the required
scopes gets 403, valid credentials get past authentication. Its settings are the project's
`[tool.specfirst.test]` (read at run time from the nearest pyproject.toml, so later edits count)
under `CONTRACT_*` environment overrides; the stateful test is seeded like the rest. It imports
nothing from specfirst. Its text is `templates/test_contract.py.tmpl` (`string.Template`).

>>> "def test_contract" in render_pytest_module("specs/notes.yaml", "generated.notes", "app:create_app")
True
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from string import Template

from generator.ir.security import SchemeKind

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")

TEMPLATE = Template(
    (Path(__file__).parent / "templates" / "test_contract.py.tmpl").read_text(encoding="utf-8")
)


def render_pytest_module(contract: str, package: str, factory: str) -> str:
    """Source of the developer's contract-test module.

    `contract` is the contract's path as the project names it (documentation only), `package`
    the generated package's import path (`generated.users`), `factory` the app factory as
    `module:function`, called without arguments (settings come from the environment).
    """
    module, sep, function = factory.partition(":")
    if not DOTTED.match(package):
        raise ValueError(f"not an importable package path: {package!r}")
    if not sep or not DOTTED.match(module) or not DOTTED.match(function) or "." in function:
        raise ValueError(f"the factory must look like package.module:function, not {factory!r}")
    return TEMPLATE.substitute(
        # the kinds the generated `security.SCHEMES` names, as the IR spells them
        jwt=json.dumps(SchemeKind.JWT.value),
        basic=json.dumps(SchemeKind.BASIC.value),
        unsupported=json.dumps(SchemeKind.UNSUPPORTED.value),
        package=package,
        package_literal=json.dumps(package),
        contract=json.dumps(contract),  # a double-quoted Python literal, as ruff formats it
        factory=json.dumps(factory),
    )
