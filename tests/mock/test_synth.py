"""The synthesizer: deterministic values that validate against the wire view they were made for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest

from generator.ir.wire_schemas import build_wire_schemas, schema_ref
from generator.mock.synth import Synthesizer

COMPONENTS: dict[str, Any] = {
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
    },
    "Cat": {
        "type": "object",
        "required": ["kind", "lives"],
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "good": {"type": "boolean"}},
        "additionalProperties": False,
    },
    "Node": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    },
    "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "Stamped": {
        "allOf": [
            {"$ref": "#/components/schemas/Named"},
            {
                "type": "object",
                "required": ["at"],
                "properties": {"at": {"type": "string", "format": "date-time"}},
            },
        ]
    },
    "Secret": {
        "type": "object",
        "required": ["id", "password"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "password": {"type": "string", "minLength": 8, "writeOnly": True},
        },
    },
}
FORMATS = [
    "date", "date-time", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "json-pointer",
    "regex", "uri-template",
]  # fmt: skip
SCHEMAS: list[Any] = [
    {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"type": "integer", "format": "int32", "minimum": 2147483600},
    {"type": "string", "minLength": 12, "maxLength": 12},
    {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
    {"type": "string", "pattern": "^[a-z]+$", "minLength": 5, "maxLength": 6},
    {"type": "string", "format": "uri", "minLength": 40},
    {"type": "string", "format": "email", "maxLength": 8},
    {"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": True},
    {"type": "array", "items": {"enum": ["a", "b", "c"]}, "minItems": 2, "uniqueItems": True},
    {
        "type": "array",
        "items": {"type": "string", "format": "uuid"},
        "minItems": 3,
        "uniqueItems": True,
    },
    {
        "type": "array",
        "items": {"type": "string", "pattern": "^x[0-9]$"},
        "minItems": 4,
        "uniqueItems": True,
    },
    {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"const": "b"}],
        "items": False,
        "minItems": 2,
    },
    {"type": "array", "contains": {"type": "string", "format": "ipv4"}, "minContains": 2},
    {"type": ["null", "boolean"]},
    {"const": "fixed"},
    {"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}},
    {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^x-"}},
    {"type": "object", "properties": {"a": {"type": "integer"}}, "dependentRequired": {"a": ["b"]}},
    {"anyOf": [{"type": "string", "maxLength": 0}, {"type": "integer"}]},
    {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]},
    {"type": "string", "not": {"enum": ["string", "string1"]}},
    {"not": {"type": "string"}},
    {"type": "integer", "not": {"multipleOf": 2}},
    {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": ["a", "b"]}},
        "if": {"properties": {"kind": {"const": "a"}}},
        "then": {"required": ["size"], "properties": {"size": {"type": "integer", "minimum": 3}}},
        "else": {"required": ["name"]},
    },
    {"$ref": "#/components/schemas/Pet"},
    {"$ref": "#/components/schemas/Node"},
    {"$ref": "#/components/schemas/Stamped"},
    *({"type": "string", "format": f} for f in FORMATS),
]


def _document(version: str = "3.1.0") -> dict[str, Any]:
    schemas = {**COMPONENTS, **{f"S{i}": s for i, s in enumerate(SCHEMAS)}}
    return {"openapi": version, "paths": {}, "components": {"schemas": schemas}}


def _judge(views: dict[str, Any], view: str) -> Callable[[str, Any], bool]:
    registry = jsonschema_rs.Registry(
        [(f"urn:specfirst:{v}", views[v]) for v in ("request", "response")],
        draft=jsonschema_rs.Draft202012,
    )

    def accepts(pointer: str, value: Any) -> bool:
        schema = {"$ref": schema_ref(view, pointer)}
        validator = jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)
        return bool(validator.is_valid(value))

    return accepts


def _synth(
    document: dict[str, Any], view: str = "response", **kwargs: Any
) -> tuple[Synthesizer, Callable[[str, Any], bool]]:
    views = build_wire_schemas(document)
    judge = _judge(views, view)
    return Synthesizer(views[view], judge=judge, source=document, **kwargs), judge


@pytest.mark.parametrize("index", range(len(SCHEMAS)))
def test_a_synthesized_value_validates(index: int) -> None:
    synth, judge = _synth(_document(), use_examples=False)
    pointer = f"/components/schemas/S{index}"
    value = next(synth.candidates(pointer))
    assert judge(pointer, value), value
    assert next(synth.candidates(pointer)) == value  # deterministic


def test_the_discriminator_names_the_branch() -> None:
    synth, _ = _synth(_document())
    values = list(synth.candidates("/components/schemas/Pet"))
    assert values[:2] == [{"kind": "cat", "lives": 0}, {"kind": "Dog", "good": True}]


def test_open_api_3_0_bounds_and_nullable_come_from_the_view() -> None:
    document = _document("3.0.3")
    document["components"]["schemas"]["Odd"] = {
        "type": "integer",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 2,
        "nullable": True,
    }
    synth, _ = _synth(document)
    assert list(synth.candidates("/components/schemas/Odd")) == [1, 2, None]


def test_each_direction_leaves_out_what_it_never_carries() -> None:
    pointer = "/components/schemas/Secret"
    response, judged_response = _synth(_document(), use_examples=False)
    request, judged_request = _synth(_document(), "request", use_examples=False)
    sent, received = next(response.candidates(pointer)), next(request.candidates(pointer))
    assert list(sent) == ["id"] and judged_response(pointer, sent)
    assert list(received) == ["password"] and judged_request(pointer, received)
    assert len(received["password"]) >= 8


def test_examples_and_defaults_come_first_and_are_judged() -> None:
    document = _document()
    document["components"]["schemas"]["Ex"] = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "example": 7},
            "b": {"type": "string", "default": "x"},
            "c": {"type": "integer", "minimum": 0, "example": -1},
        },
    }
    pointer = "/components/schemas/Ex"
    assert next(_synth(document)[0].candidates(pointer)) == {"a": 7, "b": "x", "c": 0}
    plain = next(_synth(document, use_examples=False)[0].candidates(pointer))
    assert plain == {"a": 0, "b": "string", "c": 0}
