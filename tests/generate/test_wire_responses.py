"""Responses and errors are what the contract allows (issue 18.3, 18.4, 18.6).

A handler result the contract does not allow is a 500 naming the operation, status and
pointer; every error body fits the schema its operation documents for that status; the auth
layer and handlers' own 401/403 carry RFC 6750 challenges; a scheme the runtime cannot
verify answers 501 until the application registers a verifier.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient

CONTRACT = """
openapi: 3.1.0
info: {title: responses, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: mode, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          headers:
            X-Total-Count: {required: true, schema: {type: integer, minimum: 0}}
            X-Note: {schema: {type: string}}
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Item'}}
        '401':
          description: who are you
          content:
            application/scim+json:
              schema: {$ref: '#/components/schemas/ScimError'}
        '422':
          description: invalid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GenericErrorModel'}
  /report:
    get:
      operationId: report
      responses:
        '200':
          description: csv
          content:
            text/csv: {schema: {type: string}}
        '400': {description: bad}
  /blob:
    get:
      operationId: blob
      responses:
        '200':
          description: anything
          content:
            '*/*': {schema: {type: string, format: binary}}
  /page:
    get:
      operationId: page
      parameters:
        - {name: n, in: query, schema: {type: integer}}
      responses:
        '200':
          description: a page
          content:
            text/html: {schema: {type: string}}
        '400':
          description: bad input, as a page
          content:
            text/html: {schema: {type: string}}
  /picture:
    get:
      operationId: picture
      parameters:
        - {name: as, in: query, schema: {type: string}}
      responses:
        '200':
          description: a picture
          content:
            image/*: {schema: {type: string, format: binary}}
  /secret:
    get:
      operationId: secret
      security: [{bearer: [items:read]}]
      responses:
        '200': {description: ok}
        '401':
          description: refused
          content:
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
        '403':
          description: forbidden
          content:
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
              example:
                type: https://example.com/problems/insufficient-scope
                title: Insufficient scope
                status: 403
  /listed:
    get:
      operationId: listed
      responses:
        '200': {description: ok}
        '501':
          description: not yet
          content:
            application/json:
              schema:
                type: object
                required: [errors]
                properties:
                  errors:
                    type: array
                    minItems: 1
                    items:
                      type: object
                      required: [message, long_message, code]
                      properties:
                        message: {type: string}
                        long_message: {type: string}
                        code: {type: string}
  /digest:
    get:
      operationId: digest
      security: [{digestAuth: []}]
      responses:
        '204': {description: ok}
        '401': {description: refused}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    digestAuth: {type: http, scheme: digest}
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
    ScimError:
      type: object
      required: [schemas, detail]
      properties:
        schemas: {type: array, minItems: 1, items: {type: string}}
        detail: {type: string}
        status: {type: string}
    GenericErrorModel:
      type: object
      required: [errors]
      properties:
        errors:
          type: object
          required: [body]
          properties:
            body: {type: array, items: {type: string}}
    Problem:
      type: object
      required: [type, title, status]
      additionalProperties: false
      properties:
        type: {type: string, format: uri-reference}
        title: {type: string}
        status: {type: integer}
        detail: {type: string}
"""


@pytest.fixture(scope="module")
def package(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    contract = tmp_path_factory.mktemp("responses") / "responses.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    return generate_package(contract, "responses_pkg")


def _impl(package: ModuleType) -> object:
    r, m = package.results, package.models

    class Impl:
        async def list_items(self, *, mode: str | None) -> Any:
            item = m.Item(id=1, name="a")
            if mode == "negative":
                return r.ListItemsOk(body=[item], x_total_count=-5)
            if mode == "crlf":
                return r.ListItemsOk(body=[item], x_total_count=1, x_note="a\r\nSet-Cookie: x=1")
            if mode == "no-id":
                return r.ListItemsOk(body=[m.Item.model_construct(name="a")], x_total_count=1)
            if mode == "unauthorized":
                return r.ListItemsUnauthorized(body=m.ScimError(schemas=["x"], detail="no"))
            return r.ListItemsOk(body=[item], x_total_count=1)

        async def report(self) -> Any:
            async def rows() -> Any:
                yield "a,b\n"

            return r.ReportOk(body=rows())

        async def blob(self) -> Any:
            return r.BlobOk(body=b"\x00\x01")

        async def page(self, *, n: int | None) -> Any:
            return r.PageOk(body="<p>ok</p>")

        async def picture(self, *, as_: str | None) -> Any:
            return r.PictureOk(body=b"GIF89a", content_type=as_)

        async def secret(self, *, principal: Any) -> Any:
            return r.SecretUnauthorized(
                body=m.Problem(type="about:blank", title="Unauthorized", status=401)
            )

        async def digest(self, *, principal: Any) -> Any:
            return r.DigestNoContent()

    return Impl()


def _schema(package: ModuleType, name: str) -> dict[str, Any]:
    document = yaml.safe_load(CONTRACT)
    schema: dict[str, Any] = {**document["components"]["schemas"][name]}
    schema["$defs"] = document["components"]["schemas"]
    return schema


@pytest.fixture(scope="module")
def client(package: ModuleType) -> TestClient:
    return TestClient(package.create_app(default=_impl(package)), raise_server_exceptions=False)


def test_results_the_contract_does_not_allow_are_500_naming_the_operation(
    client: TestClient,
) -> None:
    assert client.get("/items").headers["x-total-count"] == "1"
    for mode, needle in (
        ("negative", "X-Total-Count"),
        ("crlf", "CR, LF or NUL"),
        ("no-id", "/0/id"),
    ):
        response = client.get("/items", params={"mode": mode})
        assert response.status_code == 500, (mode, response.text)
        assert "listItems answered 200" in response.text and needle in response.text
    streamed = client.get("/report")
    assert streamed.status_code == 500 and "must be str" in streamed.text


def test_log_mode_sends_the_result_and_keeps_the_connection(package: ModuleType) -> None:
    settings = package.Settings(response_checks="log")
    client = TestClient(package.create_app(default=_impl(package), settings=settings))
    assert client.get("/items", params={"mode": "negative"}).headers["x-total-count"] == "-5"


def test_a_media_range_goes_out_as_a_concrete_type(client: TestClient) -> None:
    response = client.get("/blob")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == b"\x00\x01"


def test_a_range_result_may_name_its_type_within_the_range(client: TestClient) -> None:
    assert client.get("/picture").headers["content-type"] == "image/png"  # a registered default
    named = client.get("/picture", params={"as": "image/gif"})
    assert (named.status_code, named.headers["content-type"]) == (200, "image/gif")
    for wrong in ("text/html", "image/gif\r\nX: y", "image"):
        assert client.get("/picture", params={"as": wrong}).status_code == 500, wrong


def test_error_bodies_fit_each_documented_schema(client: TestClient, package: ModuleType) -> None:
    invalid = client.get("/items", params=[("mode", "a"), ("mode", "b")])
    assert invalid.status_code == 422  # documented instead of 400
    body = invalid.json()
    jsonschema.validate(body, _schema(package, "GenericErrorModel"))
    assert body["errors"]["body"] and "mode" in body["errors"]["body"][0]
    scim = client.get("/items", params={"mode": "unauthorized"})
    assert scim.status_code == 401 and scim.headers["content-type"] == "application/scim+json"
    jsonschema.validate(scim.json(), _schema(package, "ScimError"))


def test_an_error_list_the_schema_demands_carries_the_error_itself(package: ModuleType) -> None:
    client = TestClient(package.create_app())  # nothing implemented: 501 for /listed
    body = client.get("/listed").json()
    assert body == {
        "errors": [
            {
                "message": "This operation is not implemented yet.",
                "long_message": "This operation is not implemented yet.",
                "code": "not_implemented",
            }
        ]
    }


def test_an_error_documented_as_text_is_sent_as_that_text(client: TestClient) -> None:
    response = client.get("/page", params={"n": "<script>"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Bad Request</h1>" in response.text and "<script>" not in response.text


def test_auth_answers_use_the_contracts_problem_and_challenges(client: TestClient) -> None:
    missing = client.get("/secret")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert set(missing.json()) <= {"type", "title", "status", "detail"}


def test_a_handlers_own_401_carries_the_challenge(package: ModuleType) -> None:
    from responses_pkg.runtime.tokens import mint_token  # type: ignore[import-not-found]

    secret = "s" * 40
    settings = package.Settings(jwt_secret=secret)
    client = TestClient(package.create_app(default=_impl(package), settings=settings))
    token = mint_token("ada", ["items:read"], secret=secret.encode())
    response = client.get("/secret", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    narrow = mint_token("ada", ["other"], secret=secret.encode())
    refused = client.get("/secret", headers={"Authorization": f"Bearer {narrow}"})
    assert refused.status_code == 403
    assert refused.json()["type"] == "https://example.com/problems/insufficient-scope"


def test_a_scheme_without_a_verifier_answers_501_until_one_is_registered(
    package: ModuleType,
) -> None:
    client = TestClient(package.create_app(default=_impl(package)))
    response = client.get("/digest")
    assert response.status_code == 501 and "digestAuth" in response.json()["detail"]

    async def verify(scheme: str, request: Any) -> Any:
        header = request.headers.get("authorization", "")
        return package.Principal("ada") if header.startswith("Digest ") else None

    verified = TestClient(
        package.create_app(default=_impl(package), scheme_verifiers={"digestAuth": verify})
    )
    assert verified.get("/digest", headers={"Authorization": "Digest x"}).status_code == 204
    assert verified.get("/digest").status_code == 401
