"""Query, path and header parameters: schema keywords moved, collectionFormat, x-example."""

from __future__ import annotations

from typing import Any

import pytest

from generator.swagger2.parameters import convert_parameter
from generator.swagger2.trace import Trace


def _array(where: str, fmt: str | None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": "a", "in": where, "type": "array", "items": {"type": "string"}}
    if fmt is not None:
        param["collectionFormat"] = fmt
    return param


def test_keywords_move_into_schema_and_the_rest_stays() -> None:
    trace = Trace()
    param = {
        "name": "limit",
        "in": "query",
        "description": "d",
        "required": False,
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 50,
        "default": 20,
        "x-example": 10,
        "x-internal": True,
    }
    out = convert_parameter(param, "/paths/~1a/get/parameters/0", "/p", trace)
    assert out == {
        "name": "limit",
        "in": "query",
        "description": "d",
        "required": False,
        "example": 10,
        "x-internal": True,
        "schema": {
            "type": "integer",
            "format": "int32",
            "minimum": 1,
            "maximum": 50,
            "default": 20,
        },
    }
    assert trace.source_of("/p/schema/maximum") == "/paths/~1a/get/parameters/0/maximum"
    assert trace.source_of("/p/example") == "/paths/~1a/get/parameters/0/x-example"


@pytest.mark.parametrize(
    ("fmt", "style", "explode"),
    [
        (None, "form", False),
        ("csv", "form", False),
        ("ssv", "spaceDelimited", False),
        ("pipes", "pipeDelimited", False),
        ("multi", "form", True),
    ],
)
def test_query_collection_formats_become_styles(fmt: str | None, style: str, explode: bool) -> None:
    trace = Trace()
    out = convert_parameter(_array("query", fmt), "/s", "/t", trace)
    assert (out["style"], out["explode"]) == (style, explode)
    assert trace.notes == []


def test_tsv_has_no_equivalent_and_is_a_located_note() -> None:
    trace = Trace()
    out = convert_parameter(_array("query", "tsv"), "/s", "/t", trace)
    assert "style" not in out
    assert [(n.source, n.target) for n in trace.notes] == [("/s/collectionFormat", "/t")]
    assert "tsv" in trace.notes[0].message


def test_csv_path_and_header_arrays_keep_the_simple_default() -> None:
    trace = Trace()
    assert "style" not in convert_parameter(_array("path", "csv"), "/s", "/t", trace)
    assert "style" not in convert_parameter(_array("header", None), "/s", "/t", trace)
    convert_parameter(_array("header", "pipes"), "/h", "/t", trace)
    assert [n.source for n in trace.notes] == ["/h/collectionFormat"]


def test_nested_collection_format_is_noted() -> None:
    trace = Trace()
    param = _array("query", "csv")
    param["items"] = {"type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"}
    out = convert_parameter(param, "/s", "/t", trace)
    assert "collectionFormat" not in out["schema"]["items"]
    assert [n.source for n in trace.notes] == ["/s/items/collectionFormat"]


def test_allow_empty_value_kept_on_query_noted_elsewhere() -> None:
    trace = Trace()
    query = {"name": "q", "in": "query", "type": "string", "allowEmptyValue": True}
    assert convert_parameter(query, "/q", "/t", trace)["allowEmptyValue"] is True
    header = {"name": "h", "in": "header", "type": "string", "allowEmptyValue": True}
    assert "allowEmptyValue" not in convert_parameter(header, "/h", "/t", trace)
    assert [n.source for n in trace.notes] == ["/h/allowEmptyValue"]


def test_a_reference_is_rewritten() -> None:
    out = convert_parameter({"$ref": "#/parameters/limit"}, "/s", "/t", Trace())
    assert out == {"$ref": "#/components/parameters/limit"}
