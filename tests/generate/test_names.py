"""Any name works: contract names equal to what the runtime or the package defines (issue 18.7).

One contract names its tags, operations, parameters, schemas and properties after every
module, function, class and local the generated package and its runtime use (and Python
keywords and builtins). The package must import, pass `mypy --strict`, and serve each
operation with its implementation; an operation left out answers 501.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

# Names the generated package and its runtime define or import, plus keywords and builtins.
CLASHING = [
    "currentPrincipal", "current_principal", "settings", "app", "request", "problem", "json",
    "typing", "render", "routes", "call", "impl", "cast", "models", "results", "interfaces",
    "auth", "bodies", "params", "register", "add_routes", "OPERATIONS", "TAGS", "SCHEMES",
    "self", "None", "class", "import", "list", "type", "Any", "UUID", "datetime", "Enum",
    "create_app", "lifespan", "routers", "runtime", "security", "contract", "values", "body",
    "principal", "Principal", "FilePart", "Settings", "FastAPI", "APIRouter", "Request",
    "uploads", "Upload", "streams", "ServerEvent", "AsyncIterator",
]  # fmt: skip
TAGS = ["app", "settings", "lifespan", "routers", "runtime", "models", "scheme_verifiers"]


def _contract() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index, name in enumerate(CLASHING):
        paths[f"/n{index}/{{{name}}}"] = {
            "get": {
                "operationId": name,
                "tags": [TAGS[index % len(TAGS)]],
                "parameters": [
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "request", "in": "query", "schema": {"type": "integer"}},
                    {"name": "call", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/" + name}}
                        },
                    },
                    "400": {"description": "bad"},
                },
            }
        }
    schemas = {
        name: {
            "type": "object",
            "required": ["self"],
            "properties": {
                "self": {"type": "string"},
                "model_config": {"type": "integer"},
                name: {"type": "string"},
            },
        }
        for name in CLASHING
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "names", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def names(generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: Any) -> ModuleType:
    contract = tmp_path_factory.mktemp("names") / "names.yaml"
    contract.write_text(yaml.safe_dump(_contract()), encoding="utf-8")
    return generate_package(contract, "names_pkg")


def test_the_package_passes_mypy_strict(names: ModuleType) -> None:
    root = Path(names.__file__).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", root.name],
        cwd=root.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def _implementation(names: ModuleType, module: ModuleType) -> object:
    """An object answering every operation of one router module with its 200 result."""
    methods: dict[str, Any] = {}
    for op in module.OPERATIONS:
        ok = next(cls for cls, spec in op.results.items() if spec.status == 200)
        model = getattr(names.models, ok.__annotations__["body"].split(".")[-1])

        async def answer(self: object, _ok: Any = ok, _model: Any = model, **kw: Any) -> object:
            value = next(v for v in kw.values() if isinstance(v, str) and v.startswith("value"))
            return _ok(body=_model.model_validate({"self": value}))

        methods[op.name] = answer
    return type("Impl", (), methods)()


def test_every_clashing_name_is_served(names: ModuleType) -> None:
    keywords = {
        name: _implementation(names, getattr(names.routers, name))
        for name in names.routers.__all__
        if name != "models"  # left out: its operations answer 501
    }
    client = TestClient(names.create_app(**keywords))
    served = unimplemented = 0
    for index, name in enumerate(CLASHING):
        response = client.get(f"/n{index}/value-{index}", params={"request": 3})
        if TAGS[index % len(TAGS)] == "models":
            assert response.status_code == 501, (name, response.text)
            unimplemented += 1
            continue
        assert response.status_code == 200, (name, response.text)
        assert response.json()["self"] == f"value-{index}"
        served += 1
    assert served and unimplemented
    bad = client.get("/n0/x", params={"request": "three"})
    assert bad.status_code == 400
