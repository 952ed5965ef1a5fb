"""Contracts read leniently (spec/readings.py) still make a service: it imports, has no drift
and answers every operation (501 until implemented), and reads each wart the documented way."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from generator.contract.drift import find_drift
from generator.pipeline import check_contract

WARTS_3_0 = """
openapi: 3.0.3
info: {title: warts, version: '1'}
tags: [{name: a}, {name: b}]
paths:
  /g/{id}.json:
    get:
      tags: [b]
      operationId: getById
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}, '400': {description: bad}}
  /g/{name}.json:
    get:
      tags: [a]
      operationId: getByName
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}, '400': {description: bad}}
  /things:
    get:
      tags: [a]
      operationId: listThings
      parameters: [{name: size, in: query, schema: {type: integer, default: ten}}]
      responses: {'200': {description: ok}, '400': {description: bad}}
    post:
      tags: [a]
      operationId: createThing
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      responses: {'201': {description: created}, '400': {description: bad}}
components:
  schemas:
    Base: {type: object, properties: {id: {type: string}}}
    Thing:
      type: object
      required: [name, ghost]
      properties:
        name: {type: string, enum: [a, b], default: c}
        base: {$ref: '#/components/schemas/Base', nullable: true}
        other: {$ref: '#/components/schemas/Base', required: true}
        count: {type: integer, required: true}
"""

RECURSIVE_3_1 = """
openapi: 3.1.0
info: {title: filters, version: '1'}
paths:
  /filters:
    post:
      operationId: applyFilter
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Compound'}}}
      responses: {'204': {description: ok}, '400': {description: bad}}
components:
  schemas:
    Rate: {type: number, minimum: 0, exclusiveMinimum: true}
    Pair: {type: object, required: [a, a], properties: {a: {type: string}}}
    Compound:
      $recursiveAnchor: true
      type: object
      required: [op, op]
      properties:
        op: {type: string}
        rate: {$ref: '#/components/schemas/Rate'}
        filters: {type: array, items: {$recursiveRef: '#'}}
"""

WEBHOOKS_ONLY = """
openapi: 3.0.3
info: {title: hooks, version: '1'}
x-webhooks:
  user.created:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    User: {type: object, properties: {id: {type: string}}}
"""


def _write(tmp_path_factory: pytest.TempPathFactory, text: str, name: str) -> Path:
    contract = tmp_path_factory.mktemp(name) / f"{name}.yaml"
    contract.write_text(text, encoding="utf-8")
    return contract


@pytest.fixture(scope="module")
def warts(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, ModuleType]:
    contract = _write(tmp_path_factory, WARTS_3_0, "warts")
    return contract, generate_package(contract, "lenient_warts_pkg")


def test_every_wart_is_a_located_warning(warts: tuple[Path, ModuleType]) -> None:
    found = check_contract(warts[0]).diagnostics
    assert [d for d in found if d.is_error] == []
    shown = sorted((d.rule, d.pointer) for d in found if d.level.value == "warning")
    assert {
        ("ambiguous-path", "/paths/~1g~1{name}.json"),
        ("default-mismatch", "/components/schemas/Thing/properties/name/default"),
        ("default-mismatch", "/paths/~1things/get/parameters/0/schema/default"),
        ("required-property-undefined", "/components/schemas/Thing/required/1"),
        ("unsupported-feature", "/components/schemas/Thing/properties/base/nullable"),
        ("unsupported-feature", "/components/schemas/Thing/properties/other/required"),
        ("schema-type", "/components/schemas/Thing/properties/count/required"),
    } <= set(shown)
    assert all(d.location is not None for d in found)
    shadowed = next(d for d in found if d.rule == "ambiguous-path")
    assert "GET /g/{name}.json (getByName) is never reached" in shadowed.message


def test_rejected_defaults_are_dropped_from_models_and_wire(
    warts: tuple[Path, ModuleType],
) -> None:
    package_dir = Path(warts[1].__file__).parent
    models = (package_dir / "models.py").read_text(encoding="utf-8")
    wire = json.loads((package_dir / "wire.json").read_text(encoding="utf-8"))
    served = json.loads((package_dir / "openapi.json").read_text(encoding="utf-8"))
    assert "'c'" not in models and '"c"' not in models
    assert '"ten"' not in json.dumps(wire) and '"ten"' not in json.dumps(served)
    assert "ghost: Any" in models  # required, of any type
    assert "base: Base | MISSING | None" in models  # a nullable reference


def test_the_lenient_service_answers_every_operation_and_has_no_drift(
    warts: tuple[Path, ModuleType],
) -> None:
    contract, package = warts
    app = package.create_app()
    spec = check_contract(contract).spec
    assert spec is not None and find_drift(spec, app) == []
    client = TestClient(app)
    assert client.get("/g/1.json").status_code == 501
    assert client.get("/things").status_code == 501
    body = {"name": "a", "ghost": [1], "base": None}
    assert client.post("/things", json=body).status_code == 501
    assert client.post("/things", json={"name": "a"}).status_code == 400  # ghost is required


def test_equal_templates_are_served_in_contract_order_across_tags(
    warts: tuple[Path, ModuleType],
) -> None:
    # tag a (getByName) registers first; contract order puts getById's path first
    paths = [str(getattr(r, "path", "")) for r in warts[1].create_app().router.routes]
    assert paths.index("/g/{id_}.json") < paths.index("/g/{name}.json")


def test_3_0_bounds_and_2019_09_recursion_in_3_1_are_read_as_meant(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> None:
    contract = _write(tmp_path_factory, RECURSIVE_3_1, "recursive")
    found = check_contract(contract).diagnostics
    # Compound has two warts: the meta-schema check shows the second once the first is read
    assert sorted((d.rule, d.pointer) for d in found if d.level.value == "warning") == [
        ("schema-type", "/components/schemas/Compound/$recursiveAnchor"),
        ("schema-type", "/components/schemas/Rate/exclusiveMinimum"),
        ("schema-unique-items", "/components/schemas/Compound/required"),
        ("schema-unique-items", "/components/schemas/Pair/required"),
    ]
    client = TestClient(generate_package(contract, "lenient_recursive_pkg").create_app())
    good = {"op": "and", "rate": 0.5, "filters": [{"op": "or", "filters": []}]}
    assert client.post("/filters", json=good).status_code == 501
    assert client.post("/filters", json={"op": "and", "rate": 0}).status_code == 400  # exclusive
    assert client.post("/filters", json={"op": "and", "filters": [{}]}).status_code == 400


def test_a_webhook_only_3_0_contract_generates_its_models_webhooks_and_no_routes(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> None:
    contract = _write(tmp_path_factory, WEBHOOKS_ONLY, "hooks")
    checked = check_contract(contract)
    levels = sorted((d.rule, d.level.value) for d in checked.diagnostics)
    assert levels == [("schema-required", "warning")]  # its x-webhooks generate
    package = generate_package(contract, "lenient_hooks_pkg")
    assert list(package.webhooks.EVENTS) == ["user_created"]
    assert "class User(" in (Path(package.__file__).parent / "models.py").read_text("utf-8")
    app = package.create_app()
    assert checked.spec is not None and find_drift(checked.spec, app) == []
    assert TestClient(app).get("/anything").status_code == 404
