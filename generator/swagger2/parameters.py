"""Query, path and header parameters: keywords moved into `schema`, `collectionFormat` to style.

>>> convert_parameter(
...     {"name": "ids", "in": "query", "type": "array", "items": {"type": "integer"}},
...     "/p", "/q", Trace())
{'name': 'ids', 'in': 'query', 'schema': {'type': 'array', 'items': {'type': 'integer'}}, \
'style': 'form', 'explode': False}
"""

from __future__ import annotations

from typing import Any

from generator.spec.pointers import join_pointer
from generator.swagger2.refs import rewrite_ref
from generator.swagger2.schemas import convert_schema
from generator.swagger2.trace import Trace

# Swagger 2.0 "Parameter Object" keywords that describe the value: a Schema Object in 3.0.
SCHEMA_KEYS = frozenset(
    {
        "type",
        "format",
        "items",
        "default",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "enum",
        "multipleOf",
        "x-nullable",
    }
)
_COPIED = frozenset({"name", "in", "description", "required"})
# collectionFormat -> (style, explode) per location (3.0.3 section 4.7.12.4, "Style Values").
_STYLES: dict[str, dict[str, tuple[str, bool]]] = {
    "query": {
        "csv": ("form", False),
        "ssv": ("spaceDelimited", False),
        "pipes": ("pipeDelimited", False),
        "multi": ("form", True),
    },
    "path": {"csv": ("simple", False)},
    "header": {"csv": ("simple", False)},
}


def value_schema(param: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """The 3.0 schema of a non-body parameter (or header, or form field) at `src`."""
    raw = {k: v for k, v in param.items() if k in SCHEMA_KEYS}
    schema = convert_schema(_without_formats(raw, src, dst, trace), src, dst, trace)
    return schema if isinstance(schema, dict) else {}


def _without_formats(raw: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """`raw` with the `collectionFormat`s of nested `items` removed (3.0 has no place for them)."""
    items, here, there = raw.get("items"), join_pointer(src, "items"), join_pointer(dst, "items")
    if not isinstance(items, dict):
        return raw
    inner = dict(items)
    if "collectionFormat" in inner:
        found = inner.pop("collectionFormat")
        message = (
            f"collectionFormat {found!r} of nested array items has no OpenAPI 3.0 equivalent "
            "(3.0 serializes only the outer array); dropped"
        )
        trace.note(join_pointer(here, "collectionFormat"), there, message)
    return {**raw, "items": _without_formats(inner, here, there, trace)}


def convert_parameter(param: Any, src: str, dst: str, trace: Trace) -> Any:
    """The 3.0 Parameter Object for a Swagger 2.0 query, path or header parameter."""
    trace.record(dst, src)
    if not isinstance(param, dict):
        return param
    if isinstance(param.get("$ref"), str):
        return {"$ref": rewrite_ref(param["$ref"])}
    where = param.get("in")
    out: dict[str, Any] = {}
    for key, value in param.items():
        here = join_pointer(src, key)
        if key in _COPIED:
            out[key] = value
        elif key == "allowEmptyValue":
            if where == "query":
                out[key] = value
            else:
                message = f"allowEmptyValue on an `in: {where}` parameter has no 3.0 equivalent"
                trace.note(here, dst, message)
        elif key == "x-example":
            out["example"] = value
            trace.record(join_pointer(dst, "example"), here)
        elif str(key).startswith("x-") and key != "x-nullable":
            out[key] = value
        elif key not in SCHEMA_KEYS and key != "collectionFormat":
            trace.note(here, dst, f"parameter keyword {key!r} is not Swagger 2.0; dropped")
    out["schema"] = value_schema(param, src, join_pointer(dst, "schema"), trace)
    out.update(_style(param, src, dst, trace))
    return out


def _style(param: dict[str, Any], src: str, dst: str, trace: Trace) -> dict[str, Any]:
    """`style`/`explode` for an array parameter's `collectionFormat` (default `csv`)."""
    if param.get("type") != "array":
        return {}
    where, found = str(param.get("in")), param.get("collectionFormat", "csv")
    chosen = _STYLES.get(where, {}).get(str(found))
    here = join_pointer(src, "collectionFormat")
    if chosen is None:
        message = (
            f"collectionFormat {found!r} of an `in: {where}` parameter has no OpenAPI 3.0 "
            "equivalent; the parameter is read with 3.0's default style instead"
        )
        trace.note(here if "collectionFormat" in param else src, dst, message)
        return {}
    style, explode = chosen
    if where != "query":
        return {}  # `simple` without explode is already the 3.0 default for path and header
    trace.record(join_pointer(dst, "style"), here)
    trace.record(join_pointer(dst, "explode"), here)
    return {"style": style, "explode": explode}
