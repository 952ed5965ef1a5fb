"""A concrete path is matched before a templated one (OpenAPI 3.x, Paths Object)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

CONTRACT = """
openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets/mine:
    get:
      operationId: listMine
      responses: {'200': {description: ok}}
  /pets/{id}:
    post:
      operationId: updatePet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'204': {description: ok}, '400': {description: bad}}
"""


@pytest.fixture(scope="module")
def client(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> TestClient:
    contract = tmp_path_factory.mktemp("precedence") / "pets.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    package = generate_package(contract, "precedence_pkg")
    return TestClient(package.create_app())


def test_another_method_on_a_concrete_path_is_405_not_the_templated_route(
    client: TestClient,
) -> None:
    response = client.post("/pets/mine")
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "GET"
    assert client.options("/pets/mine").headers["allow"] == "GET"
    assert client.post("/pets/7").status_code == 501  # the templated route still serves ids
    assert client.post("/pets/seven").status_code == 400


NESTED = """
openapi: 3.0.3
info: {title: avatars, version: '1'}
paths:
  /project/{key}/avatar/{id}:
    delete:
      operationId: deleteAvatar
      parameters:
        - {name: key, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {'204': {description: ok}, '400': {description: bad}}
  /project/{key}/avatar/temporary:
    post:
      operationId: storeTemporary
      parameters: [{name: key, in: path, required: true, schema: {type: string}}]
      responses: {'201': {description: ok}}
"""


def test_a_more_concrete_template_owns_its_paths_whatever_the_method(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Jira's `/project/{k}/avatar/temporary` beside `/project/{k}/avatar/{id}`: the request
    # path is matched first (the concrete segment wins), then the method, so a DELETE there is
    # a 405, even with the templated path listed first
    contract = tmp_path_factory.mktemp("nested") / "avatars.yaml"
    contract.write_text(NESTED, encoding="utf-8")
    client = TestClient(generate_package(contract, "nested_pkg").create_app())
    response = client.delete("/project/P1/avatar/temporary")
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert client.post("/project/P1/avatar/temporary").status_code == 501
    assert client.delete("/project/P1/avatar/10").status_code == 501
    assert client.post("/project/P1/avatar/10").headers["allow"] == "DELETE"


ADJACENT = """
openapi: 3.0.3
info: {title: pages, version: '1'}
paths:
  /pages/{page}{ext}:
    get:
      operationId: getPage
      parameters:
        - {name: page, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string, enum: [.json, .xml]}}
      responses: {'200': {description: ok}, '400': {description: bad}}
"""


def test_two_parameters_in_one_segment_split_at_the_listed_values(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Starlette's regex would give `page` all but the last character (Healthcare.gov's paths)
    contract = tmp_path_factory.mktemp("adjacent") / "pages.yaml"
    contract.write_text(ADJACENT, encoding="utf-8")
    client = TestClient(generate_package(contract, "adjacent_pkg").create_app())
    assert client.get("/pages/about.json").status_code == 501
    assert client.get("/pages/about.xml").status_code == 501
    assert client.get("/pages/about.txt").status_code == 404
