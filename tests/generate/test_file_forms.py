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
