"""Every JSON Schema keyword OpenAPI allows is enforced on the wire (issue 18.1).

One operation per keyword family takes a body with that family's schema; valid instances reach
the handler (204), invalid ones get 400 with a pointer and never reach it. The same requests go
to the mock (`serve --mock`), which must refuse exactly what the app refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from generator.mock.service import mock_app

Case = tuple[str, dict[str, Any], list[Any], list[Any]]  # family, schema, valid, invalid

CASES_31: list[Case] = [
    ("type-null", {"type": ["string", "null"]}, ["a", None], [1, True]),
    ("nullable-ignored", {"type": "string", "nullable": True}, ["a"], [None]),
    ("enum", {"enum": ["a", "b"]}, ["a"], ["c", None]),
    ("const", {"const": 5}, [5, 5.0], [6, "5"]),
    ("lengths", {"type": "string", "minLength": 2, "maxLength": 3}, ["ab", "éé"], ["a", "abcd"]),
    ("items", {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": True},
     [[1], [1, 2]], [[], [1, 2, 3], [1, 1]]),
    ("properties-count", {"type": "object", "minProperties": 1, "maxProperties": 2},
     [{"a": 1}], [{}, {"a": 1, "b": 2, "c": 3}]),
    ("numbers", {"type": "number", "minimum": 1, "maximum": 10, "multipleOf": 0.5},
     [1.5, 10], [0.5, 10.5, 1.3]),
    ("exclusive", {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
     [5], [0, 10]),
    ("pattern", {"type": "string", "pattern": "^\\d+$"}, ["12"], ["\u0661\u0662", "a"]),
    ("additional", {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
     [{"a": 1}], [{"b": 1}]),
    ("pattern-properties", {"type": "object", "patternProperties": {"^x-": {"type": "integer"}},
                            "additionalProperties": False}, [{"x-a": 1}], [{"x-a": "s"}, {"y": 1}]),
    ("property-names", {"type": "object", "propertyNames": {"maxLength": 2}},
     [{"ab": 1}], [{"abc": 1}]),
    ("dependent-required", {"type": "object", "dependentRequired": {"a": ["b"]}},
     [{"a": 1, "b": 2}, {}], [{"a": 1}]),
    ("dependent-schemas", {"type": "object", "dependentSchemas": {"a": {"required": ["c"]}}},
     [{"a": 1, "c": 1}], [{"a": 1}]),
    ("if-then-else", {"type": "object",
                      "if": {"properties": {"k": {"const": "x"}}, "required": ["k"]},
                      "then": {"required": ["y"]}, "else": {"required": ["z"]}},
     [{"k": "x", "y": 1}, {"z": 1}], [{"k": "x"}, {}]),
    ("not", {"not": {"type": "string"}}, [1, [1]], ["a"]),
    ("contains", {"type": "array", "contains": {"type": "string"}, "minContains": 1,
                  "maxContains": 2}, [["a", 1]], [[1], ["a", "b", "c"]]),
    ("prefix-items", {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
                      "items": False}, [[1, "a"]], [["a", 1], [1, "a", 3]]),
    ("unevaluated-properties", {"type": "object", "allOf": [{"properties": {"a": {}}}],
                                "unevaluatedProperties": False}, [{"a": 1}], [{"b": 1}]),
    ("unevaluated-items", {"type": "array", "prefixItems": [{"type": "integer"}],
                           "unevaluatedItems": False}, [[1]], [[1, 2]]),
    ("ref-siblings", {"$ref": "#/components/schemas/Text", "maxLength": 2}, ["ab"], ["abc"]),
    ("date", {"type": "string", "format": "date"}, ["2024-02-29"],
     ["2023-02-29", "2024-01-01T00:00:00Z", "20240101"]),
    ("date-time", {"type": "string", "format": "date-time"},
     ["2026-12-13T09:00:00Z", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"],
     ["1765357200", "2026-12-13 09:00:00Z", "2026-12-13"]),
    ("time", {"type": "string", "format": "time"}, ["09:00:00Z"], ["9:00", "25:00:00Z"]),
    ("duration", {"type": "string", "format": "duration"}, ["P1D", "PT5M"], ["1D", "P"]),
    ("email", {"type": "string", "format": "email"}, ["a@example.com"], ["nope", "a@"]),
    ("idn-email", {"type": "string", "format": "idn-email"}, ["\u7528@\u4f8b\u5b50.org"], ["nope"]),
    ("hostname", {"type": "string", "format": "hostname"}, ["example.com"], ["-bad-.com"]),
    ("ipv4", {"type": "string", "format": "ipv4"}, ["192.168.0.1"], ["256.0.0.1", "1.2.3"]),
    ("ipv6", {"type": "string", "format": "ipv6"}, ["::1", "2001:db8::1"], ["1::2::3", "x"]),
    ("uri", {"type": "string", "format": "uri"}, ["https://example.org/a?b#c"],
     ["not a uri", "/relative"]),
    ("uri-reference", {"type": "string", "format": "uri-reference"}, ["/a/b", "https://x.org"],
     ["\\\\bad"]),
    ("uuid", {"type": "string", "format": "uuid"}, ["0f8fad5b-d9cb-469f-a165-70867728950e"],
     ["0f8fad5bd9cb469fa16570867728950e", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
      "{0f8fad5b-d9cb-469f-a165-70867728950e}"]),
    ("byte", {"type": "string", "format": "byte"}, ["aGk=", ""], ["!!", "aGk"]),
    ("int32", {"type": "integer", "format": "int32"}, [2147483647, -2147483648],
     [2147483648, -2147483649]),
    ("int64", {"type": "integer", "format": "int64"}, [9223372036854775807],
     [9223372036854775808, 99999999999999999999999]),
]  # fmt: skip

CASES_30: list[Case] = [
    ("nullable", {"type": "string", "nullable": True}, ["a", None], [1]),
    ("exclusive-bool", {"type": "number", "minimum": 0, "exclusiveMinimum": True,
                        "maximum": 10, "exclusiveMaximum": True}, [5], [0, 10]),
    ("read-only", {"type": "object", "properties": {"id": {"type": "integer", "readOnly": True},
                                                    "name": {"type": "string"}},
                   "required": ["id", "name"]}, [{"name": "a"}], [{"id": 1, "name": "a"}]),
]  # fmt: skip


def _contract(version: str, cases: list[Case]) -> dict[str, Any]:
    paths = {
        f"/{family}": {
            "post": {
                "operationId": "check_" + family.replace("-", "_"),
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": schema}},
                },
                "responses": {"204": {"description": "valid"}, "400": {"description": "not"}},
            }
        }
        for family, schema, _, _ in cases
    }
    return {
        "openapi": version,
        "info": {"title": "keywords", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Text": {"type": "string"}}},
    }


class Recorder:
    """Answers 204 to every operation and remembers which ones were reached."""

    def __init__(self, package: ModuleType) -> None:
        self.reached: list[str] = []
        for op in package.routers.default.OPERATIONS:
            no_content = next(iter(op.results))

            async def answer(self: Recorder, _op: Any = op, _r: Any = no_content, **_: Any) -> Any:
                self.reached.append(_op.operation_id)
                return _r()

            setattr(Recorder, op.name, answer)


def _package(
    generate_package: Callable[[Path, str], ModuleType], tmp: Path, version: str, cases: list[Case]
) -> ModuleType:
    contract = tmp / f"keywords{version[:3].replace('.', '')}.yaml"
    contract.write_text(yaml.safe_dump(_contract(version, cases)), encoding="utf-8")
    return generate_package(contract, f"keywords{version[:3].replace('.', '')}_pkg")


@pytest.fixture(scope="module")
def packages(
    generate_package: Callable[[Path, str], ModuleType], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ModuleType]:
    tmp = tmp_path_factory.mktemp("keywords")
    return {
        "3.1": _package(generate_package, tmp, "3.1.0", CASES_31),
        "3.0": _package(generate_package, tmp, "3.0.3", CASES_30),
    }


def _drive(client: TestClient, family: str, instance: Any) -> Any:
    return client.post(
        f"/{family}", content=json.dumps(instance), headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize(
    ("version", "case"),
    [("3.1", c) for c in CASES_31] + [("3.0", c) for c in CASES_30],
    ids=lambda v: v if isinstance(v, str) else v[0],
)
def test_valid_instances_pass_and_invalid_ones_get_400(
    packages: dict[str, ModuleType], version: str, case: Case
) -> None:
    package = packages[version]
    family, _, valid, invalid = case
    recorder = Recorder(package)
    client = TestClient(package.create_app(default=recorder))
    mock = TestClient(mock_app(package))
    for instance in valid:
        assert _drive(client, family, instance).status_code == 204, (family, instance)
        assert _drive(mock, family, instance).status_code == 204, (family, instance)
    reached = len(recorder.reached)
    for instance in invalid:
        response = _drive(client, family, instance)
        assert response.status_code == 400, (family, instance, response.text)
        body = response.json()
        assert body["errors"] and all("detail" in e for e in body["errors"]), body
        if isinstance(instance, str) and len(instance) > 3:  # values are never echoed
            assert instance not in json.dumps(body, ensure_ascii=False), body
        assert _drive(mock, family, instance).status_code == 400, (family, instance)
    assert len(recorder.reached) == reached  # nothing invalid reached the handler
