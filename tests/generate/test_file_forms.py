"""Multipart file parts under any names: a `Form` whose `files` are keyed by the wire names
(`class`, `a-b`, `fields`), whose `fields` class is clear of a component already named
`<Body>Fields`, and whose generated package passes mypy --strict."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi.testclient import TestClient

CONTRACT = """
openapi: 3.1.0
info: {title: forms, version: '1'}
paths:
  /docs:
    post:
      operationId: postDoc
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Doc'}
      responses:
        '204': {description: ok}
        '400': {description: bad}
components:
  schemas:
    Doc:
      type: object
      required: [class, fields]
      properties:
        class: {type: string, format: binary, minLength: 2}
        a-b: {type: array, items: {type: string, format: binary}}
        fields: {type: integer}
        files: {type: string}
    DocFields:
      type: object
      properties: {taken: {type: boolean}}
"""


def test_file_parts_under_any_names(
    generate_package: Callable[[Path, str], ModuleType], tmp_path: Path
) -> None:
    contract = tmp_path / "forms.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    package = generate_package(contract, "file_forms_pkg")
    seen: list[Any] = []

    class Impl:
        async def post_doc(self, *, body: Any) -> Any:
            seen.append(body)
            return package.results.PostDocNoContent()

    client = TestClient(package.create_app(default=Impl()))
    files = [("class", ("c.bin", b"\x00\xff")), ("a-b", ("1", b"one")), ("a-b", ("2", b"two"))]
    answer = client.post("/docs", files=files, data={"fields": "7", "files": "text"})
    assert answer.status_code == 204, answer.text
    [body] = seen
    assert isinstance(body, package.Form)
    assert type(body.fields).__name__ != "DocFields"  # the component keeps its name
    assert (body.fields.fields, body.fields.files) == (7, "text")
    assert body.file("class").read() == b"\x00\xff"
    assert [part.read() for part in body.files["a-b"]] == [b"one", b"two"]
    short = client.post("/docs", files={"class": ("c.bin", b"x")}, data={"fields": "7"})
    assert short.status_code == 400 and "/class" in short.text  # minLength 2, by the size
    root = Path(package.__file__).parents[1]
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / ".m"),
            "file_forms_pkg",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]


REFERENCED = """
openapi: 3.0.3
info: {title: forms, version: '1'}
paths:
  /up:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [doc]
              properties:
                doc: {$ref: '#/components/schemas/Binary'}
                more: {type: array, items: {$ref: '#/components/schemas/Binary'}}
                note: {type: string}
      responses:
        '204': {description: ok}
        '400': {description: bad}
components:
  schemas:
    Binary: {type: string, format: binary, maxLength: 2000000}
"""


def test_file_parts_through_refs_are_spooled(
    generate_package: Callable[[Path, str], ModuleType], tmp_path: Path
) -> None:
    """A file property spelled as a `$ref` to a binary schema is a spooled part like an inline
    one: a part past the spool threshold reaches the handler on disk, judged by its size."""
    contract = tmp_path / "refs.yaml"
    contract.write_text(REFERENCED, encoding="utf-8")
    package = generate_package(contract, "ref_forms_pkg")
    seen: list[Any] = []

    class Impl:
        async def upload(self, *, body: Any) -> Any:
            seen.append(body)
            return package.results.UploadNoContent()

    settings = package.Settings(max_body_bytes=8_000_000)
    client = TestClient(package.create_app(default=Impl(), settings=settings))
    big = bytes(range(256)) * 6000  # 1.5 MB: past Starlette's 1 MiB spool threshold
    files = [("doc", ("d.bin", big)), ("more", ("1", b"one")), ("more", ("2", b"two"))]
    answer = client.post("/up", files=files, data={"note": "n"})
    assert answer.status_code == 204, answer.text
    [body] = seen
    assert isinstance(body, package.Form)
    doc = body.file("doc")
    assert doc.size == len(big) and doc.file._rolled  # on disk, not in memory
    assert doc.read() == big
    assert [part.read() for part in body.files["more"]] == [b"one", b"two"]
    assert body.fields.note == "n"
    huge = client.post("/up", files={"doc": ("d.bin", b"x" * 2000001)})
    assert huge.status_code == 400 and "/doc" in huge.text  # maxLength, by the size
