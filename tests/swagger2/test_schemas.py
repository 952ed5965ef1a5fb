"""Schema Objects: x-nullable, file, discriminator strings, $ref rewriting and siblings, traced."""

from __future__ import annotations

from generator.swagger2.schemas import convert_definitions, convert_schema
from generator.swagger2.trace import Trace


def test_x_nullable_becomes_nullable_and_false_is_dropped() -> None:
    trace = Trace()
    out = convert_schema(
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "x-nullable": True},
                "b": {"type": "integer", "x-nullable": False},
            },
        },
        "/definitions/P",
        "/components/schemas/P",
        trace,
    )
    assert out["properties"] == {
        "a": {"type": "string", "nullable": True},
        "b": {"type": "integer"},
    }
    assert trace.source_of("/components/schemas/P/properties/a/nullable") == (
        "/definitions/P/properties/a/x-nullable"
    )
    assert trace.notes == []


def test_nullable_ref_is_wrapped_in_all_of() -> None:
    out = convert_schema({"$ref": "#/definitions/Pet", "x-nullable": True}, "/s", "/t", Trace())
    assert out == {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Pet"}]}


def test_file_type_is_binary_string() -> None:
    assert convert_schema({"type": "file", "format": "x"}, "/s", "/t", Trace()) == {
        "type": "string",
        "format": "binary",
    }


def test_discriminator_string_becomes_property_name() -> None:
    out = convert_schema({"type": "object", "discriminator": "kind"}, "/s", "/t", Trace())
    assert out["discriminator"] == {"propertyName": "kind"}


def test_refs_are_rewritten_inside_every_schema_keyword() -> None:
    ref = {"$ref": "#/definitions/A"}
    node = {"allOf": [ref], "items": ref, "additionalProperties": ref, "properties": {"p": ref}}
    out = convert_schema(node, "/s", "/t", Trace())
    fixed = {"$ref": "#/components/schemas/A"}
    assert out == {
        "allOf": [fixed],
        "items": fixed,
        "additionalProperties": fixed,
        "properties": {"p": fixed},
    }


def test_data_keywords_are_copied_untouched() -> None:
    node = {"type": "object", "example": {"$ref": "#/definitions/A", "x-nullable": True}}
    assert convert_schema(node, "/s", "/t", Trace()) == node


def test_keywords_beside_a_ref_are_dropped_with_a_note_annotations_kept() -> None:
    trace = Trace()
    node = {"$ref": "#/definitions/A", "type": "object", "description": "d"}
    out = convert_schema(node, "/definitions/B/properties/a", "/t", trace)
    assert out == {"$ref": "#/components/schemas/A", "description": "d"}
    assert [n.source for n in trace.notes] == ["/definitions/B/properties/a/type"]


def test_type_null_is_read_as_nullable_with_a_note() -> None:
    trace = Trace()
    assert convert_schema({"type": "null"}, "/s", "/t", trace) == {"nullable": True, "enum": [None]}
    assert [n.source for n in trace.notes] == ["/s/type"]


def test_definitions_keep_their_names_and_sources() -> None:
    trace = Trace()
    out = convert_definitions(
        {"a/b": {"type": "string"}}, "/definitions", "/components/schemas", trace
    )
    assert out == {"a/b": {"type": "string"}}
    assert trace.source_of("/components/schemas/a~1b/type") == "/definitions/a~1b/type"
