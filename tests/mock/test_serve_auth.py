"""`serve` and auth: a warning naming the variable when nothing can verify a token, and
`--mock --skip-auth` for front-end work (every request let in, every other check kept)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from generator.serve import Service, prepare_service

LOCKED = """\
openapi: 3.0.3
info: {title: Locked, version: "1"}
servers: [{url: /api}]
security: [{bearer: [notes:read]}]
paths:
  /notes/{id}:
    get:
      operationId: getNote
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: A note.
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
              example: {id: 7}
        '401': {description: No token.}
        '403': {description: Not allowed.}
  /notes:
    post:
      operationId: addNote
      security: [{bearer: [notes:write]}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [text], properties: {text: {type: string}}}
      responses:
        '201': {description: Added.}
        '401': {description: No token.}
        '403': {description: Not allowed.}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
"""


@pytest.fixture
def contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_JWKS_URL", "JWT_JWKS_FILE"):
        monkeypatch.delenv(f"LOCKED_SERVE_{name}", raising=False)
    path = tmp_path / "locked.yaml"
    path.write_text(LOCKED, encoding="utf-8")
    return path


def _serve(contract: Path, package: str, **options: bool) -> Service:
    service = prepare_service(
        str(contract), output=contract.parent / package, mock=options.pop("mock", True), **options
    )
    assert isinstance(service, Service)
    return service


def test_no_key_warns_naming_the_variable_to_set(contract: Path) -> None:
    service = _serve(contract, "locked_serve")
    assert len(service.warnings) == 1
    assert "LOCKED_SERVE_JWT_SECRET" in service.warnings[0]
    assert "--skip-auth" in service.warnings[0]
    assert TestClient(service.app).get("/api/notes/7").status_code == 401


def test_a_key_silences_the_warning(contract: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKED_SERVE_JWT_SECRET", "k" * 40)
    assert _serve(contract, "locked_serve", mock=False).warnings == ()


def test_skip_auth_lets_requests_in_and_keeps_every_other_check(contract: Path) -> None:
    service = _serve(contract, "locked_serve", skip_auth=True)
    assert service.warnings == ()
    client = TestClient(service.app)
    assert client.get("/api/notes/7").json() == {"id": 7}
    assert client.post("/api/notes", json={"text": "hi"}).status_code == 201
    # the request is still held to the contract: a bad id, a body missing `text`
    assert client.get("/api/notes/seven").status_code == 400
    assert client.post("/api/notes", json={}).status_code == 400


def test_skip_auth_is_off_by_default(contract: Path) -> None:
    client = TestClient(_serve(contract, "locked_serve").app)
    assert client.get("/api/notes/7").status_code == 401


def test_skip_auth_without_mock_is_refused(contract: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", str(contract), "--skip-auth"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--skip-auth is for --mock only" in result.stderr
