"""Request bodies are read by their media type and checked by their schema (issue 18.9).

A media range (`*/*`) is read as what the request says it is; multipart parts by their
`encoding` content type (a JSON part is parsed and validated as JSON, a part in a type the
contract does not allow is a 415), and file parts reach the handler with their name and type.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

CONTRACT = """
openapi: 3.1.0
info: {title: bodies, version: '1'}
paths:
  /anything:
    post:
      operationId: postAnything
      requestBody:
        required: true
        content:
          '*/*':
            schema:
              anyOf:
                - {type: object, required: [a]}
                - {type: string, minLength: 2}
      responses: {'204': {description: ok}, '400': {description: bad}}
  /invite:
    post:
      operationId: invite
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [emails, role]
              properties:
                emails: {type: array, items: {type: string}}
                role: {type: string}
      responses: {'204': {description: ok}, '400': {description: bad}}
  /strict:
    post:
      operationId: postStrict
      requestBody:
        required: true
        content:
          application/json: {schema: {type: object}}
      responses: {'204': {description: ok}, '400': {description: bad}}
  /upload:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [meta, file]
              properties:
                meta:
                  type: object
                  required: [title]
                  properties: {title: {type: string, maxLength: 5}}
                file: {type: string, format: binary}
                count: {type: integer}
            encoding:
              meta: {contentType: application/json}
              file: {contentType: 'image/png, image/jpeg'}
      responses:
        '204': {description: ok}
        '400': {description: bad}
        '415': {description: wrong part type}
"""


@pytest.fixture(scope="module")
def package(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    contract = tmp_path_factory.mktemp("bodies") / "bodies.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    return generate_package(contract, "bodies_pkg")


@pytest.fixture(scope="module")
def service(package: ModuleType) -> tuple[TestClient, dict[str, Any]]:
    seen: dict[str, Any] = {}
    results = package.results

    class Impl:
        async def post_anything(self, *, body: bytes) -> Any:
            seen["anything"] = body
            return results.PostAnythingNoContent()

        async def invite(self, *, body: Any) -> Any:
            seen["invite"] = body
            return results.InviteNoContent()

        async def post_strict(self, *, body: Any) -> Any:
            return results.PostStrictNoContent()

        async def upload(self, *, body: Any) -> Any:
            seen["upload"] = body
            return results.UploadNoContent()

    return TestClient(package.create_app(default=Impl())), seen


def test_a_media_range_is_read_as_what_the_request_says(
    service: tuple[TestClient, dict[str, Any]],
) -> None:
    client, seen = service

    def post(content: bytes, media_type: str) -> int:
        answer = client.post("/anything", content=content, headers={"content-type": media_type})
        return answer.status_code

    assert post(b'{"a": 1}', "application/json") == 204
    assert seen["anything"] == b'{"a": 1}'  # the handler still gets the bytes
    assert post(b"{}", "application/json") == 400  # an object without `a`
    assert post(b"{not json", "application/json") == 400
    assert post(b"xy", "text/plain") == 204
    assert post(b"x", "text/plain") == 400  # a string shorter than 2
    assert post(b"\x00\x01", "application/octet-stream") == 204


def test_forms_read_what_a_form_can_spell(service: tuple[TestClient, dict[str, Any]]) -> None:
    client, seen = service

    def invite(form: bytes) -> int:
        headers = {"content-type": "application/x-www-form-urlencoded"}
        return client.post("/invite", content=form, headers=headers).status_code

    assert invite(b"role=admin") == 204  # a form cannot spell [], so a required array is []
    assert seen["invite"].emails == []
    assert invite(b"role=admin&emails=a&emails=b") == 204
    assert seen["invite"].emails == ["a", "b"]
    assert invite(b"role=admin&role=user") == 400  # a single value, given twice
    assert invite(b"emails=a") == 400  # `role` is still required


def test_an_undocumented_415_becomes_the_documented_validation_status(
    service: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = service
    assert client.post("/upload", json={"meta": {}}).status_code == 415  # documented there
    text = client.post("/strict", content=b"x", headers={"content-type": "text/plain"})
    assert text.status_code == 400  # /strict documents 400, not 415


def _upload(client: TestClient, meta: Any, file_type: str = "image/png", **extra: str) -> Any:
    files = {
        "meta": (None, json.dumps(meta), "application/json"),
        "file": ("cover.png", b"\x89PNG\r\n", file_type),
    }
    return client.post("/upload", files=files, data=extra)


def test_multipart_parts_by_their_encoding(
    service: tuple[TestClient, dict[str, Any]], package: ModuleType
) -> None:
    client, seen = service
    assert _upload(client, {"title": "ok"}, count="3").status_code == 204
    body = seen["upload"]  # a Form: the other fields typed, the file part spooled
    assert isinstance(body, package.Form)
    assert body.fields.meta.title == "ok" and body.fields.count == 3
    file = body.file("file")
    assert isinstance(file, package.Upload) and file.size == 6
    assert (file.filename, file.content_type) == ("cover.png", "image/png")
    assert b"".join(file.chunks()) == b"\x89PNG\r\n"
    too_long = _upload(client, {"title": "too long"})
    assert too_long.status_code == 400  # the JSON part is validated as JSON
    assert any("/meta/title" in json.dumps(e) for e in too_long.json()["errors"])
    assert _upload(client, {"title": "ok"}, file_type="text/html").status_code == 415
    assert _upload(client, {"title": "ok"}, count="three").status_code == 400
