"""Swagger 2.0 through the loader: converted on loading, every finding at its original line."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import check_contract
from generator.spec.load import load_spec

SWAGGER = """\
swagger: "2.0"
info:
  title: Legacy
  version: "1.0"
basePath: /v1
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - name: tags
          in: query
          type: array
          items:
            type: string
          collectionFormat: tsv
      responses:
        "200":
          description: An item.
          schema:
            $ref: "#/definitions/Item"
definitions:
  Item:
    type: object
    properties:
      id:
        type: integer
        x-nullable: true
"""


def _write(tmp_path: Path, text: str = SWAGGER) -> Path:
    path = tmp_path / "legacy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_swagger_2_contract_loads_as_openapi_3_0_3(tmp_path: Path) -> None:
    loaded = load_spec(_write(tmp_path))
    assert loaded.spec is not None and loaded.spec.converted_from == "swagger 2.0"
    root = loaded.spec.root
    assert root["openapi"] == "3.0.3" and root["servers"] == [{"url": "/v1"}]
    assert root["components"]["schemas"]["Item"]["properties"]["id"]["nullable"] is True


def test_converted_pointers_locate_the_original_lines(tmp_path: Path) -> None:
    path = _write(tmp_path)
    spec = load_spec(path).spec
    assert spec is not None
    schema = "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref"
    assert spec.locate(schema).line == 21  # `$ref` under the 2.0 response's `schema`
    assert spec.locate("/components/schemas/Item/properties/id/nullable").line == 28
    assert spec.locate("/paths/~1items~1{id}/get/parameters/0/schema/items").line == 14
    assert spec.locate("/servers/0").line == 5


def test_unconverted_parts_and_later_findings_point_into_the_swagger_file(tmp_path: Path) -> None:
    path = _write(tmp_path)
    found = {
        (d.rule, d.location.line if d.location else 0) for d in check_contract(path).diagnostics
    }
    # tsv has no 3.0 form; the path template's {id} is declared by no parameter (validate)
    assert ("swagger2-unconverted", 16) in found
    assert ("path-param-undeclared", 8) in found


def test_other_swagger_versions_are_still_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'swagger: "1.2"\ninfo: {title: t, version: "1"}\npaths: {}\n')
    rules = [d.rule for d in check_contract(path).diagnostics]
    assert rules == ["swagger-unsupported"]
