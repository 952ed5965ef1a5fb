"""A Swagger 2.0 contract served end to end: the converted service reads what 2.0 meant.

Functional: an inline Swagger 2.0 contract is generated, imported and driven with an HTTP
client. Each check fails if the conversion drops or misreads a 2.0 feature: csv arrays in the
query, a multipart upload with a file, a JSON body with an `x-nullable` reference, an API key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from generator.contract.credentials import hash_api_key

CONTRACT = """\
swagger: "2.0"
info: {title: legacy, version: "1"}
basePath: /v1
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  key: {type: apiKey, name: X-Key, in: header}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: ids, in: query, type: array, items: {type: integer}, required: true}
        - {name: tag, in: query, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Item"}}}
        "400": {description: bad}
    post:
      operationId: createItem
      security: [{key: []}]
      parameters:
        - {name: item, in: body, required: true, schema: {$ref: "#/definitions/Item"}}
      responses:
        "201": {description: created}
        "400": {description: bad}
        "401": {description: no key}
  /items/{id}/photo:
    parameters:
      - {name: id, in: path, required: true, type: integer, minimum: 1}
    post:
      operationId: uploadPhoto
      consumes: [multipart/form-data]
      parameters:
        - {name: photo, in: formData, type: file, required: true}
        - {name: caption, in: formData, type: string, maxLength: 5}
      responses:
        "204": {description: stored}
        "400": {description: bad}
definitions:
  Owner:
    type: object
    required: [name]
    properties: {name: {type: string}}
  Item:
    type: object
    required: [name]
    properties:
      name: {type: string}
      owner: {$ref: "#/definitions/Owner", x-nullable: true}
"""


@pytest.fixture(scope="module")
def client(
    generate_package: Callable[[Path, str], ModuleType],
    tmp_path_factory: pytest.TempPathFactory,
) -> TestClient:
    contract = tmp_path_factory.mktemp("legacy") / "legacy.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    package = generate_package(contract, "legacy_swagger_pkg")
    prefix = package.settings.Settings.model_config["env_prefix"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(f"{prefix}API_KEY_HASHES", f'{{"alice": "{hash_api_key("k1")}"}}')
        app = package.create_app()
    return TestClient(app, raise_server_exceptions=False)


def test_query_arrays_are_csv_unless_multi(client: TestClient) -> None:
    assert client.get("/v1/items", params={"ids": "1,2"}).status_code == 501
    assert (
        client.get("/v1/items", params=[("ids", "1"), ("tag", "a"), ("tag", "b")]).status_code
        == 501
    )
    assert client.get("/v1/items", params={"ids": "1,x"}).status_code == 400
    assert client.get("/v1/items").status_code == 400  # ids is required


def test_json_body_with_a_nullable_reference_and_an_api_key(client: TestClient) -> None:
    headers = {"X-Key": "k1"}
    post = client.post
    assert post("/v1/items", json={"name": "a", "owner": None}, headers=headers).status_code == 501
    assert (
        post("/v1/items", json={"name": "a", "owner": {"name": "o"}}, headers=headers).status_code
        == 501
    )
    assert post("/v1/items", json={"name": "a", "owner": {}}, headers=headers).status_code == 400
    assert post("/v1/items", json={"name": "a"}).status_code == 401


def test_multipart_upload_with_a_file_and_a_path_level_parameter(client: TestClient) -> None:
    url = "/v1/items/3/photo"
    files = {"photo": ("p.png", b"\x89PNG", "image/png")}
    assert client.post(url, files=files, data={"caption": "hi"}).status_code == 501
    assert client.post(url, files=files, data={"caption": "too long"}).status_code == 400
    assert client.post(url, data={"caption": "hi"}).status_code == 400  # the file is required
    assert client.post("/v1/items/0/photo", files=files).status_code == 400  # minimum: 1
