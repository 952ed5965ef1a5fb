"""Responses: schema per produced media type, examples per mime, headers moved into schema."""

from __future__ import annotations

from generator.swagger2.responses import convert_response
from generator.swagger2.trace import Trace


def test_schema_is_served_in_every_produced_type_with_its_example() -> None:
    trace = Trace()
    resp = {
        "description": "ok",
        "schema": {"$ref": "#/definitions/Pet"},
        "examples": {"application/json": {"id": 1}, "text/csv": "id\n1"},
    }
    out = convert_response(resp, "/r", "/s", ["application/json", "application/xml"], trace)
    schema = {"$ref": "#/components/schemas/Pet"}
    assert out == {
        "description": "ok",
        "content": {
            "application/json": {"schema": schema, "example": {"id": 1}},
            "application/xml": {"schema": schema},
        },
    }
    assert [(n.source, n.target) for n in trace.notes] == [("/r/examples/text~1csv", "/s/content")]
    assert trace.source_of("/s/content/application~1xml/schema") == "/r/schema"


def test_no_schema_no_content() -> None:
    assert convert_response({"description": "gone"}, "/r", "/s", ["a/b"], Trace()) == {
        "description": "gone"
    }


def test_headers_move_their_keywords_into_schema() -> None:
    trace = Trace()
    resp = {
        "description": "ok",
        "headers": {
            "X-Rate": {"type": "integer", "description": "left", "x-note": 1},
            "X-List": {"type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"},
        },
    }
    out = convert_response(resp, "/r", "/s", [], trace)
    assert out["headers"]["X-Rate"] == {
        "description": "left",
        "schema": {"type": "integer"},
        "x-note": 1,
    }
    assert out["headers"]["X-List"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert [n.source for n in trace.notes] == ["/r/headers/X-List/collectionFormat"]


def test_reference_and_file_schema() -> None:
    assert convert_response({"$ref": "#/responses/E"}, "/r", "/s", [], Trace()) == {
        "$ref": "#/components/responses/E"
    }
    out = convert_response(
        {"description": "f", "schema": {"type": "file"}},
        "/r",
        "/s",
        ["application/octet-stream"],
        Trace(),
    )
    assert out["content"]["application/octet-stream"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
