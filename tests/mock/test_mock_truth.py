"""The mock tells the truth: headers in their formats, discriminated unions, patterns, media
ranges sent as a concrete type with a body; invalid requests refused as the generated app does."""

from __future__ import annotations

import base64
import importlib
import re
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.mock.service import mock_app
from generator.pipeline import generate_contract

TRUTH = r"""
openapi: 3.0.3
info: {title: Truth, version: "1"}
paths:
  /things:
    post:
      operationId: createThing
      tags: [things]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/NewThing'}}}
      responses:
        '201':
          description: Created (the Location example is not a URI, so it is not used).
          headers:
            Location: {required: true, schema: {type: string, format: uri}, example: string}
            ETag: {required: true, schema: {type: string, pattern: '^"[0-9a-f]{8}"$'}}
            X-Count: {required: true, schema: {type: integer, format: int32, minimum: 2147483000}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: integer, format: int32}}]
      responses:
        '200':
          description: A pet; the discriminator's mapping names the branch.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /codes:
    get:
      operationId: getCode
      tags: [misc]
      responses:
        '200':
          description: A code (its example breaks the pattern).
          content:
            application/json:
              schema: {type: string, pattern: '^[A-Z]{2}-\d{4}$', example: nope}
  /download:
    get:
      operationId: download
      tags: [misc]
      responses:
        '200':
          description: Anything at all.
          content:
            '*/*':
              schema: {type: string, format: binary}
  /picture:
    get:
      operationId: picture
      tags: [misc]
      responses:
        '200':
          description: Some image.
          content:
            'image/*':
              schema: {type: string, format: binary}
  /note:
    get:
      operationId: note
      tags: [misc]
      responses:
        '200':
          description: Some text.
          content:
            'text/*':
              schema: {type: string, minLength: 3}
components:
  schemas:
    NewThing:
      type: object
      required: [name]
      properties: {name: {type: string, minLength: 1}}
    Thing:
      type: object
      required: [id, name, created_at, link]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        name: {type: string}
        secret: {type: string, writeOnly: true}
        created_at: {type: string, format: date-time}
        link: {type: string, format: uri}
        blob: {type: string, format: byte}
        size: {type: integer, format: int64, minimum: 9223372036854775800}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: pet_type
        mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
    Cat:
      type: object
      additionalProperties: false
      required: [pet_type, name, lives]
      properties:
        pet_type: {type: string}
        name: {type: string}
        lives: {type: integer, minimum: 1, maximum: 9}
    Dog:
      type: object
      additionalProperties: false
      required: [pet_type, name, good]
      properties:
        pet_type: {type: string}
        name: {type: string}
        good: {type: boolean}
"""


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("truth")
    contract = root / "truth.yaml"
    contract.write_text(TRUTH, encoding="utf-8")
    assert generate_contract(contract, root / "mock_truth", label="truth.yaml").report is not None
    sys.path.insert(0, str(root))
    yield importlib.import_module("mock_truth")
    sys.path.remove(str(root))


@pytest.fixture(scope="module")
def client(truth: ModuleType) -> TestClient:
    return TestClient(mock_app(truth))


def _conforms(truth: ModuleType, operation: str, body: Any) -> bool:
    """The package's own runtime finds nothing wrong with the success body of `operation`."""
    schemas = importlib.import_module("mock_truth.runtime.schemas")
    spec = next(iter(truth.results.RESULTS[operation].values()))
    return not schemas.check(spec.schema, body, "response")


def test_headers_follow_their_formats_patterns_and_ranges(
    client: TestClient, truth: ModuleType
) -> None:
    response = client.post("/things", json={"name": "kettle"})
    assert response.status_code == 201, response.text
    assert re.fullmatch(r"https?://\S+", response.headers["location"])
    assert re.fullmatch(r'"[0-9a-f]{8}"', response.headers["etag"])
    assert 2147483000 <= int(response.headers["x-count"]) <= 2**31 - 1
    body = response.json()
    assert "secret" not in body  # writeOnly never goes out
    uuid.UUID(body["id"])
    datetime.fromisoformat(body["created_at"])
    assert base64.b64decode(body["blob"], validate=True)
    assert 9223372036854775800 <= body["size"] <= 2**63 - 1
    assert _conforms(truth, "createThing", body)


def test_a_discriminated_one_of_names_its_branch_by_the_mapping(
    client: TestClient, truth: ModuleType
) -> None:
    response = client.get("/pets/1")
    assert response.status_code == 200, response.text
    assert response.json() == {"pet_type": "cat", "name": "string", "lives": 1}
    assert _conforms(truth, "getPet", response.json())


def test_a_pattern_constrained_string_matches_its_pattern(client: TestClient) -> None:
    response = client.get("/codes")
    assert response.status_code == 200, response.text
    assert response.json() == "AA-0000"


def test_media_ranges_go_out_as_a_concrete_type_with_a_body(client: TestClient) -> None:
    anything = client.get("/download")
    assert anything.status_code == 200
    assert anything.headers["content-type"] == "application/octet-stream"
    assert anything.content
    picture = client.get("/picture")
    assert picture.headers["content-type"] == "image/png"  # a registered type for the range
    assert picture.content
    text = client.get("/note")
    assert text.headers["content-type"].startswith("text/plain")
    assert len(text.text) >= 3


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/things", {}),
        ("post", "/things", {"name": ""}),
        ("get", "/pets/abc", None),
        ("get", "/pets/99999999999", None),
    ],
)
def test_invalid_requests_are_refused_as_the_generated_app_refuses_them(
    truth: ModuleType, method: str, path: str, body: Any
) -> None:
    plain = TestClient(truth.create_app()).request(method, path, json=body)
    mocked = TestClient(mock_app(truth)).request(method, path, json=body)
    assert plain.status_code == mocked.status_code
    assert 400 <= mocked.status_code < 500
    assert _without_ids(plain.json()) == _without_ids(mocked.json())


def _without_ids(body: Any) -> Any:
    """An error body without what differs per request (its id)."""
    if isinstance(body, dict):
        return {k: _without_ids(v) for k, v in body.items() if "id" not in k.lower()}
    return body
