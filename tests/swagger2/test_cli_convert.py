"""`specfirst convert`: writes the converted contract, deterministic; clear errors, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from generator.cli.app import app
from tests.swagger2.test_load import SWAGGER

RUNNER = CliRunner()


def _convert(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["convert", *args])
    return result.exit_code, result.output


def test_writes_the_converted_contract_as_yaml_in_key_order(tmp_path: Path) -> None:
    source = tmp_path / "legacy.yaml"
    source.write_text(SWAGGER, encoding="utf-8")
    out = tmp_path / "openapi.yaml"
    code, output = _convert(str(source), "-o", str(out))
    assert code == 0, output
    assert "swagger2-unconverted" in output and f"wrote {out}" in output
    text = out.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert list(document) == ["openapi", "info", "servers", "paths", "components"]
    assert document["openapi"] == "3.0.3" and "&id" not in text
    again = tmp_path / "again.yaml"
    assert _convert(str(source), "-o", str(again))[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_json_output_by_suffix(tmp_path: Path) -> None:
    source = tmp_path / "legacy.yaml"
    source.write_text(SWAGGER, encoding="utf-8")
    out = tmp_path / "openapi.json"
    assert _convert(str(source), "-o", str(out))[0] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["openapi"] == "3.0.3"


def test_refuses_what_is_not_swagger_2_or_unreadable(tmp_path: Path) -> None:
    openapi = tmp_path / "api.yaml"
    openapi.write_text('openapi: "3.0.3"\ninfo: {title: t, version: "1"}\npaths: {}\n')
    out = tmp_path / "out.yaml"
    code, output = _convert(str(openapi), "-o", str(out))
    assert code == 2 and "is not a Swagger 2.0 contract" in output and not out.exists()
    code, output = _convert(str(tmp_path / "missing.yaml"), "-o", str(out))
    assert code == 2 and "file not found" in output and "Traceback" not in output
    broken = tmp_path / "broken.yaml"
    broken.write_text('swagger: "2.0"\npaths: [\n')
    code, output = _convert(str(broken), "-o", str(out))
    assert code == 1 and "yaml-syntax" in output and not out.exists()


def test_refuses_to_overwrite_its_input_or_write_into_a_missing_folder(tmp_path: Path) -> None:
    source = tmp_path / "legacy.yaml"
    source.write_text(SWAGGER, encoding="utf-8")
    code, output = _convert(str(source), "-o", str(source))
    assert code == 2 and "is the input contract" in output
    assert source.read_text(encoding="utf-8") == SWAGGER
    code, output = _convert(str(source), "-o", str(tmp_path / "no" / "such" / "out.yaml"))
    assert code == 2 and "does not exist" in output
    code, output = _convert(str(source), "-o", str(tmp_path))
    assert code == 2 and "is a directory" in output
