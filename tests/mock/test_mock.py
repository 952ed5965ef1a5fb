"""The mock: the contract's examples first (media type, then schema), else synthesized data;
required headers, the documented media type, 204s; real implementations take precedence."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.mock.service import mock_app
from generator.pipeline import generate_contract
from generator.scaffold import scaffold_contract
from generator.serve import NotGenerated, Service, prepare_service

SHELF = """\
openapi: 3.0.3
info: {title: Shelf, version: "1"}
servers: [{url: /api}]
paths:
  /books/{id}:
    get:
      operationId: getBook
      tags: [books]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: A book (the media type's example).
          headers:
            ETag: {required: true, schema: {type: string}, example: '"v1"'}
            X-Optional: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Book'}
              example: {id: 7, title: Dune}
        '404': {description: No such book.}
  /books:
    get:
      operationId: listBooks
      tags: [books]
      responses:
        '200':
          description: Books (the schema's example).
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Book'}
                example: [{id: 1, title: Emma}]
    post:
      operationId: addBook
      tags: [books]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Book'}}}
      responses:
        '201':
          description: Added (its example is invalid, so the body is synthesized).
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Book'}
              example: {id: not a number}
  /books/{id}/cover:
    delete:
      operationId: deleteCover
      tags: [covers]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '204': {description: Gone.}
  /motd:
    get:
      operationId: motd
      tags: [misc]
      responses:
        '200':
          description: Text.
          content:
            text/plain:
              schema: {type: string}
              examples: {hi: {value: Hello}}
components:
  schemas:
    Book:
      type: object
      required: [id, title]
      properties:
        id: {type: integer, minimum: 1}
        title: {type: string, minLength: 1}
"""


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("shelf")
    contract = root / "shelf.yaml"
    contract.write_text(SHELF, encoding="utf-8")
    assert generate_contract(contract, root / "mock_shelf", label="shelf.yaml").report is not None
    sys.path.insert(0, str(root))
    yield importlib.import_module("mock_shelf")
    sys.path.remove(str(root))


def _client(package: ModuleType, **implementations: Any) -> TestClient:
    return TestClient(mock_app(package, package.create_app(**implementations)))


def test_the_media_type_example_comes_first_with_required_headers(shelf: ModuleType) -> None:
    response = _client(shelf).get("/api/books/7")
    assert response.status_code == 200
    assert response.json() == {"id": 7, "title": "Dune"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == '"v1"'
    assert "x-optional" not in response.headers


def test_the_schema_example_comes_next(shelf: ModuleType) -> None:
    assert _client(shelf).get("/api/books").json() == [{"id": 1, "title": "Emma"}]


def test_an_invalid_example_gives_way_to_synthesized_data(shelf: ModuleType) -> None:
    response = _client(shelf).post("/api/books", json={"id": 3, "title": "Kim"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "title": "string"}


def test_no_content_and_text(shelf: ModuleType) -> None:
    client = _client(shelf)
    gone = client.delete("/api/books/1/cover")
    assert (gone.status_code, gone.content) == (204, b"")
    motd = client.get("/api/motd")
    assert motd.text == "Hello"
    assert motd.headers["content-type"].startswith("text/plain")


def test_real_implementations_come_first(shelf: ModuleType) -> None:
    results = shelf.results

    class Books:
        async def get_book(self, *, id_: int) -> Any:
            return results.GetBookNotFound()

        async def list_books(self) -> Any:
            raise NotImplementedError

    client = _client(shelf, books=Books())
    assert client.get("/api/books/7").status_code == 404
    assert client.get("/api/books").json() == [{"id": 1, "title": "Emma"}]
    assert client.post("/api/books", json={"id": 3, "title": "Kim"}).status_code == 201


def test_only_the_mocks_answers_say_they_keep_no_state(shelf: ModuleType) -> None:
    """`x-specfirst-mock: stateless` tells `specfirst test` to skip its stateful checks."""
    from generator.mock import STATELESS, STATELESS_HEADER

    results = shelf.results

    class Books:
        async def get_book(self, *, id_: int) -> Any:
            return results.GetBookNotFound()

        async def list_books(self) -> Any:
            raise NotImplementedError

    client = _client(shelf, books=Books())
    assert client.get("/api/books").headers[STATELESS_HEADER] == STATELESS  # the mock answered
    assert client.delete("/api/books/3/cover").headers[STATELESS_HEADER] == STATELESS
    assert STATELESS_HEADER not in client.get("/api/books/7").headers  # the implementation did
    assert STATELESS_HEADER not in client.get("/api/books/x").headers  # refused before either


def test_serve_a_contract_generates_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    contract = tmp_path / "shelf.yaml"
    contract.write_text(SHELF, encoding="utf-8")
    service = prepare_service(str(contract), mock=True, output=tmp_path / "serve_shelf")
    assert isinstance(service, Service)
    assert (service.package, service.prefix, service.temporary) == ("serve_shelf", "/api", None)
    assert TestClient(service.app).get("/api/motd").text == "Hello"
    contract.write_text(SHELF.replace("operationId: motd", "operationId: [motd]"), encoding="utf-8")
    refused = prepare_service(str(contract), mock=True, output=tmp_path / "serve_shelf_2")
    assert isinstance(refused, NotGenerated)
    assert any(d.is_error for d in refused.generated.checked.diagnostics)


def test_serve_scaffolded_stubs_with_mocks_behind_them(
    shelf: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve PACKAGE --impl stubs:create_app --mock`: every stub raises, so the mock answers."""
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    contract = tmp_path / "shelf.yaml"
    contract.write_text(SHELF, encoding="utf-8")
    scaffold_contract(contract, tmp_path / "shelf_stubs", package="mock_shelf", label="shelf")
    plain = prepare_service("mock_shelf", mock=False, impl="shelf_stubs:create_app")
    mocked = prepare_service("mock_shelf", mock=True, impl="shelf_stubs:create_app")
    assert isinstance(plain, Service) and isinstance(mocked, Service)
    assert TestClient(plain.app).get("/api/books/7").status_code == 501
    assert TestClient(mocked.app).get("/api/books/7").json() == {"id": 7, "title": "Dune"}
