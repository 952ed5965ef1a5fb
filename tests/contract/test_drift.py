"""`find_drift`: zero differences for every contract we generate, and planted ones reported."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Header, Query
from fastapi.testclient import TestClient

from generator.contract.drift import find_drift
from generator.diagnostics import Level
from generator.pipeline import check_contract
from generator.spec.document import Spec
from tests.mock.corpus import (
    CORPUS,
    generate_and_import,
    needs_corpus,
    openapi_contracts,
    package_name,
)

SPECS = Path(__file__).parents[2] / "specs"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("drift")
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


def _spec(contract: Path) -> Spec:
    checked = check_contract(contract)
    assert checked.spec is not None, checked.diagnostics
    return checked.spec


def _errors(spec: Spec, app: FastAPI) -> list[str]:
    return [f"{d.rule} {d.message}" for d in find_drift(spec, app) if d.level is Level.ERROR]


@pytest.mark.parametrize("stem", ["users", "showcase"])
def test_no_drift_for_our_contracts(stem: str, root: Path) -> None:
    contract = SPECS / f"{stem}.yaml"
    package = generate_and_import(contract, root, f"drift_{stem}")
    assert _errors(_spec(contract), package.create_app()) == []


def test_deep_object_parameters_are_noted_not_reported(root: Path) -> None:
    """A parameter the route parses itself is invisible to FastAPI's schema unless the router
    declares it in `openapi_extra` (proposed in issue 4): a note then, never a difference."""
    contract = SPECS / "showcase.yaml"
    package = generate_and_import(contract, root, "drift_showcase_notes")
    found = find_drift(_spec(contract), package.create_app())
    assert {(d.rule, d.level) for d in found} <= {("drift-unverified", Level.INFO)}
    assert all("'published' (deepObject)" in d.message for d in found)


@needs_corpus
@pytest.mark.parametrize(
    "contract", openapi_contracts(), ids=lambda p: p.relative_to(CORPUS).as_posix()
)
def test_no_drift_for_the_corpus(contract: Path, root: Path) -> None:
    package = generate_and_import(contract, root, package_name(contract, "drift_"))
    assert _errors(_spec(contract), package.create_app()) == []


def test_a_route_added_by_hand_is_reported(root: Path) -> None:
    contract = SPECS / "users.yaml"
    package = generate_and_import(contract, root, "drift_users_planted")
    app = package.create_app()

    @app.get("/api/v1/users/export")
    async def export() -> dict[str, str]:
        return {}

    found = find_drift(_spec(contract), app)
    assert [(d.rule, d.message) for d in found] == [
        (
            "drift-route-extra",
            "GET /api/v1/users/export: registered by the app, not in the contract",
        )
    ]
    assert found[0].location is not None and found[0].location.file.endswith("users.yaml")


def test_a_route_the_app_lacks_is_reported(root: Path, tmp_path: Path) -> None:
    """The package is generated from the contract before an operation was added to it."""
    contract = SPECS / "users.yaml"
    package = generate_and_import(contract, root, "drift_users_stale")
    text = contract.read_text(encoding="utf-8")
    marker = "paths:\n"
    added = (
        "paths:\n  /users/me/avatar:\n    delete:\n      operationId: deleteAvatar\n"
        "      tags: [users]\n      security: []\n      responses:\n"
        "        '204':\n          description: Gone.\n"
    )
    newer = tmp_path / "users.yaml"
    newer.write_text(text.replace(marker, added, 1), encoding="utf-8")
    found = find_drift(_spec(newer), package.create_app())
    assert [d.rule for d in found] == ["drift-route-missing"]
    assert found[0].message.startswith("DELETE /users/me/avatar: ")
    assert found[0].location is not None and found[0].location.line > 1


HAND_WRITTEN = """\
openapi: 3.1.0
info: {title: Items, version: "1"}
servers: [{url: /v1}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
paths:
  /items/{id}:
    get:
      operationId: getItem
      security: [{bearer: [items:read]}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: q, in: query, required: true, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses:
        '200': {description: The item.}
        '404': {description: No such item.}
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json: {schema: {type: object}}
          application/xml: {schema: {type: object}}
      responses:
        '201': {description: Created.}
"""


def test_every_kind_of_difference_in_a_hand_written_app(tmp_path: Path) -> None:
    contract = tmp_path / "items.yaml"
    contract.write_text(HAND_WRITTEN, encoding="utf-8")
    app = FastAPI()

    @app.get("/v1/items/{item_id}", responses={200: {"description": "The item."}})
    async def get_item(
        item_id: int,
        q: Annotated[str | None, Query()] = None,
        debug: Annotated[bool, Query()] = False,
    ) -> dict[str, Any]:
        return {}

    @app.post(
        "/v1/items",
        status_code=201,
        responses={201: {"description": "Created."}, 409: {"description": "Taken."}},
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": {}}}}},
    )
    async def create_item(x_trace: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        return {}

    found = {(d.rule, d.message) for d in find_drift(_spec(contract), app)}
    get, post = "GET /items/{id}: ", "POST /items: "
    assert found == {
        (
            "drift-param-required",
            get + "query parameter 'q' is required in the contract, not in the app",
        ),
        (
            "drift-param-missing",
            get + "header parameter 'x-trace' is in the contract, the app does not read it",
        ),
        (
            "drift-param-extra",
            get + "the app reads query parameter 'debug', which the contract lacks",
        ),
        ("drift-status-missing", get + "status 404 is documented, the app does not declare it"),
        ("drift-security", get + "the contract requires bearer[items:read], the app anonymous"),
        (
            "drift-param-extra",
            post + "the app reads header parameter 'x-trace', which the contract lacks",
        ),
        ("drift-body-media-type", post + "the app does not accept application/xml"),
        (
            "drift-body-required",
            post + "the request body is required in the contract, not in the app",
        ),
        ("drift-status-extra", post + "the app declares status 409, the contract does not"),
    }


def test_a_header_named_with_an_underscore_is_read_as_written(root: Path, tmp_path: Path) -> None:
    """Swagger Petstore 3's `api_key` header (DELETE /pet/{petId}) once drifted: FastAPI's
    `Header` read it as `api-key`. The runtime reads parameters by their contract names."""
    contract = tmp_path / "keys.yaml"
    contract.write_text(
        """\
openapi: 3.0.3
info: {title: keys, version: '1'}
paths:
  /pets/{petId}:
    delete:
      operationId: deletePet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
        - {name: api_key, in: header, required: true, schema: {type: string}}
      responses: {'204': {description: deleted}, '400': {description: bad}}
""",
        encoding="utf-8",
    )
    app = generate_and_import(contract, root, "drift_underscore_header").create_app()
    assert _errors(_spec(contract), app) == []
    client = TestClient(app)
    assert client.delete("/pets/1", headers={"api_key": "k"}).status_code == 501
    assert client.delete("/pets/1", headers={"api-key": "k"}).status_code == 400
