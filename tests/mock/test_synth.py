"""The synthesizer: deterministic values that validate against the schema they were made for."""

from __future__ import annotations

from typing import Any

import pytest

from generator.mock.conform import Conformance
from generator.mock.synth import Synthesizer

COMPONENTS: dict[str, Any] = {
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
    },
    "Cat": {
        "type": "object",
        "required": ["kind", "lives"],
        "properties": {"kind": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string", "enum": ["Dog"]}},
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

SCHEMAS: list[Any] = [
    {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"type": "string", "minLength": 12, "maxLength": 12},
    {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
    {"type": "string", "format": "email"},
    {"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": True},
    {"type": "array", "items": {"enum": ["a", "b", "c"]}, "minItems": 2, "uniqueItems": True},
    {"type": ["null", "boolean"]},
    {"const": "fixed"},
    {"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}},
    {"anyOf": [{"type": "string", "maxLength": 0}, {"type": "integer"}]},
    {"$ref": "#/components/schemas/Pet"},
    {"$ref": "#/components/schemas/Node"},
    {"$ref": "#/components/schemas/Stamped"},
]


def _document(version: str = "3.1.0") -> dict[str, Any]:
    paths = {f"/s{i}": {"get": {"x-schema": s}} for i, s in enumerate(SCHEMAS)}
    return {"openapi": version, "paths": paths, "components": {"schemas": COMPONENTS}}


@pytest.mark.parametrize("index", range(len(SCHEMAS)))
def test_a_synthesized_value_validates(index: int) -> None:
    document = _document()
    pointer = f"/paths/~1s{index}/get/x-schema"
    conformance = Conformance(document)
    synth = Synthesizer(document, use_examples=False, accept=conformance.accepts)
    value = synth.value(SCHEMAS[index], pointer)
    assert conformance.accepts(pointer, value), value
    assert synth.value(SCHEMAS[index], pointer) == value  # deterministic


def test_the_discriminator_names_the_branch() -> None:
    document = _document()
    value = Synthesizer(document).value({"$ref": "#/components/schemas/Pet"})
    assert value == {"kind": "cat", "lives": 0}


def test_open_api_3_0_bounds_are_booleans() -> None:
    document = _document("3.0.3")
    schema = {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "maximum": 2}
    assert Synthesizer(document).value(schema) == 1


def test_each_direction_leaves_out_what_it_never_carries() -> None:
    document = _document()
    ref = {"$ref": "#/components/schemas/Secret"}
    response = Synthesizer(document, use_examples=False).value(ref)
    request = Synthesizer(document, use_examples=False, skip="readOnly").value(ref)
    assert list(response) == ["id"]
    assert list(request) == ["password"] and len(request["password"]) >= 8
    assert Conformance(document).accepts("/components/schemas/Secret", response)
    assert Conformance(document, skip="readOnly").accepts("/components/schemas/Secret", request)


def test_examples_and_defaults_are_used_when_asked() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "example": 7},
            "b": {"type": "string", "default": "x"},
        },
    }
    assert Synthesizer({}).value(schema) == {"a": 7, "b": "x"}
    assert Synthesizer({}, use_examples=False).value(schema) == {"a": 0, "b": "string"}
