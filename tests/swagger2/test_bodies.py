"""Body and formData parameters to request bodies: media types, form schemas, files, examples."""

from __future__ import annotations

from generator.swagger2.bodies import body_request, form_request
from generator.swagger2.trace import Trace


def test_body_gets_one_content_entry_per_consumed_type_with_its_example() -> None:
    trace = Trace()
    body = {
        "name": "pet",
        "in": "body",
        "required": True,
        "description": "A pet.",
        "schema": {"$ref": "#/definitions/Pet"},
        "x-examples": {"application/xml": "<p/>"},
    }
    out = body_request(body, "/p", "/b", ["application/json", "application/xml"], trace)
    schema = {"$ref": "#/components/schemas/Pet"}
    assert out == {
        "description": "A pet.",
        "content": {
            "application/json": {"schema": schema},
            "application/xml": {"schema": schema, "example": "<p/>"},
        },
        "required": True,
        "x-codegen-request-body-name": "pet",
    }
    assert trace.source_of("/b/content/application~1json/schema/$ref") == "/p/schema/$ref"


def test_body_without_consumes_is_json() -> None:
    out = body_request({"in": "body", "name": "b", "schema": {}}, "/p", "/b", [], Trace())
    assert list(out["content"]) == ["application/json"]


def test_a_global_body_reference_becomes_a_request_body_reference() -> None:
    out = body_request({"$ref": "#/parameters/pet"}, "/p", "/b", [], Trace())
    assert out == {"$ref": "#/components/requestBodies/pet"}


def test_form_fields_become_an_object_schema_and_a_file_makes_it_multipart() -> None:
    trace = Trace()
    fields = [
        ({"name": "file", "in": "formData", "type": "file", "required": True}, "/f/0"),
        ({"name": "note", "in": "formData", "type": "string", "description": "n"}, "/f/1"),
    ]
    out = form_request(fields, "/b", [], trace)
    assert out == {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"description": "n", "type": "string"},
                    },
                    "required": ["file"],
                }
            }
        },
        "required": True,
    }
    assert trace.source_of("/b/content/multipart~1form-data/schema/properties/note") == "/f/1"


def test_urlencoded_arrays_carry_their_collection_format_as_encoding() -> None:
    trace = Trace()
    fields = [
        ({"name": "a", "in": "formData", "type": "array", "items": {"type": "string"}}, "/f/0"),
        (
            {
                "name": "b",
                "in": "formData",
                "type": "array",
                "items": {"type": "string"},
                "collectionFormat": "multi",
            },
            "/f/1",
        ),
        (
            {
                "name": "c",
                "in": "formData",
                "type": "array",
                "items": {"type": "string"},
                "collectionFormat": "tsv",
            },
            "/f/2",
        ),
    ]
    out = form_request(fields, "/b", ["application/x-www-form-urlencoded"], trace)
    encoding = out["content"]["application/x-www-form-urlencoded"]["encoding"]
    assert encoding == {
        "a": {"style": "form", "explode": False},
        "b": {"style": "form", "explode": True},
    }
    assert [n.source for n in trace.notes] == ["/f/2/collectionFormat"]


def test_form_allow_empty_value_is_noted() -> None:
    trace = Trace()
    field = {"name": "a", "in": "formData", "type": "string", "allowEmptyValue": True}
    form_request([(field, "/f/0")], "/b", [], trace)
    assert [n.source for n in trace.notes] == ["/f/0/allowEmptyValue"]


def test_body_leftovers_and_examples_for_other_types_are_noted() -> None:
    trace = Trace()
    body = {
        "name": "b",
        "in": "body",
        "schema": {},
        "type": "string",
        "x-examples": {"text/plain": "x"},
    }
    body_request(body, "/p", "/b", ["application/json"], trace)
    assert [n.source for n in trace.notes] == ["/p/type", "/p/x-examples/text~1plain"]
